// SVG rendering of a chart layout: plain text, deterministic.
#include <cstdio>

#include "frontend/chart.h"

namespace gate386 {

namespace {

std::string esc(const std::string& s) {
    std::string o;
    for (char ch : s) {
        switch (ch) {
        case '&': o += "&amp;"; break;
        case '<': o += "&lt;"; break;
        case '>': o += "&gt;"; break;
        case '"': o += "&quot;"; break;
        default: o += ch;
        }
    }
    return o;
}

std::string hex(unsigned c) {
    char b[8];
    std::snprintf(b, sizeof b, "#%06x", c & 0xffffff);
    return b;
}

}  // namespace

std::string render_svg(const ChartLayout& l) {
    std::string s;
    char b[512];
    std::snprintf(b, sizeof b,
                  "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                  "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n",
                  l.width, l.height, l.width, l.height);
    s += b;
    for (const ChartPrim& p : l.prims) {
        switch (p.kind) {
        case ChartPrim::Kind::Rect:
            std::snprintf(b, sizeof b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>\n", p.x, p.y,
                          p.w, p.h, hex(p.color).c_str());
            s += b;
            break;
        case ChartPrim::Kind::Line:
            std::snprintf(b, sizeof b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"1\"/>\n",
                          p.x, p.y, p.x + p.w, p.y + p.h, hex(p.color).c_str());
            s += b;
            break;
        case ChartPrim::Kind::Text: {
            const char* anchor = p.anchor < 0 ? "start" : p.anchor > 0 ? "end" : "middle";
            std::string rot;
            if (p.vertical) {
                std::snprintf(b, sizeof b, " transform=\"rotate(-90 %d %d)\"", p.x, p.y);
                rot = b;
            }
            std::snprintf(b, sizeof b, "<text x=\"%d\" y=\"%d\" font-size=\"%d\" text-anchor=\"%s\" fill=\"%s\"%s>", p.x,
                          p.y, 7 * p.size + 2, anchor, hex(p.color).c_str(), rot.c_str());
            s += b;
            s += esc(p.text);
            s += "</text>\n";
            break;
        }
        }
    }
    s += "</svg>\n";
    return s;
}

}  // namespace gate386
