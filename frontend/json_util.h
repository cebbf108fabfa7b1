// Minimal JSON writing for the reports (--stats=json, models --json, compare --json).
#pragma once
#include <cstdio>
#include <string>

namespace gate386 {

inline std::string json_str(const std::string& s) {
    std::string o = "\"";
    for (unsigned char ch : s) {
        switch (ch) {
        case '"': o += "\\\""; break;
        case '\\': o += "\\\\"; break;
        case '\n': o += "\\n"; break;
        case '\t': o += "\\t"; break;
        default:
            if (ch < 0x20) { char b[8]; std::snprintf(b, sizeof b, "\\u%04x", ch); o += b; }
            else o += static_cast<char>(ch);
        }
    }
    return o + "\"";
}

// Numbers with up to `decimals` decimals, no trailing zeros: deterministic and readable.
inline std::string json_num(double v, int decimals = 3) {
    char b[64];
    std::snprintf(b, sizeof b, "%.*f", decimals, v);
    std::string s = b;
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    if (s == "-0") s = "0";
    return s;
}

}  // namespace gate386
