#include "core/debugger_expr.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace gate386 {

namespace {

// A recursive-descent parser that evaluates as it goes (precedence as in C).
class Parser {
public:
    Parser(const std::string& s, const ExprContext& ctx) : m_s(s), m_ctx(ctx) {}

    bool run(int64_t& out, std::string& err) {
        out = parse_or();
        skip();
        if (m_err.empty() && m_pos != m_s.size()) fail("unexpected '" + m_s.substr(m_pos) + "'");
        err = m_err;
        return m_err.empty();
    }

private:
    void fail(const std::string& e) {
        if (m_err.empty()) m_err = e;
    }
    void skip() {
        while (m_pos < m_s.size() && std::isspace(static_cast<unsigned char>(m_s[m_pos]))) m_pos++;
    }
    bool eat(const char* tok) {
        skip();
        size_t n = std::strlen(tok);
        if (m_s.compare(m_pos, n, tok) != 0) return false;
        // "&" must not take the first half of "&&", "<" of "<<" or "<=", and so on.
        if (n == 1 && m_pos + 1 < m_s.size()) {
            char c = m_s[m_pos], d = m_s[m_pos + 1];
            if ((c == '&' && d == '&') || (c == '|' && d == '|') || (c == '<' && (d == '<' || d == '=')) ||
                (c == '>' && (d == '>' || d == '=')) || (c == '=' && d == '=') || (c == '!' && d == '='))
                return false;
        }
        m_pos += n;
        return true;
    }
    std::string ident() {
        skip();
        size_t b = m_pos;
        while (m_pos < m_s.size() && (std::isalnum(static_cast<unsigned char>(m_s[m_pos])) || m_s[m_pos] == '_' ||
                                      m_s[m_pos] == '.' || m_s[m_pos] == '@'))
            m_pos++;
        return m_s.substr(b, m_pos - b);
    }

    int64_t parse_or() {
        int64_t v = parse_and();
        while (m_err.empty() && eat("||")) { int64_t r = parse_and(); v = (v || r) ? 1 : 0; }
        return v;
    }
    int64_t parse_and() {
        int64_t v = parse_cmp();
        while (m_err.empty() && eat("&&")) { int64_t r = parse_cmp(); v = (v && r) ? 1 : 0; }
        return v;
    }
    int64_t parse_cmp() {
        int64_t v = parse_bitor();
        for (;;) {
            if (eat("==")) v = v == parse_bitor();
            else if (eat("!=")) v = v != parse_bitor();
            else if (eat("<=")) v = v <= parse_bitor();
            else if (eat(">=")) v = v >= parse_bitor();
            else if (eat("<")) v = v < parse_bitor();
            else if (eat(">")) v = v > parse_bitor();
            else return v;
        }
    }
    int64_t parse_bitor() {
        int64_t v = parse_bitxor();
        while (m_err.empty() && eat("|")) v |= parse_bitxor();
        return v;
    }
    int64_t parse_bitxor() {
        int64_t v = parse_bitand();
        while (m_err.empty() && eat("^")) v ^= parse_bitand();
        return v;
    }
    int64_t parse_bitand() {
        int64_t v = parse_shift();
        while (m_err.empty() && eat("&")) v &= parse_shift();
        return v;
    }
    int64_t parse_shift() {
        int64_t v = parse_add();
        for (;;) {
            if (eat("<<")) v = static_cast<int64_t>(static_cast<uint64_t>(v) << (parse_add() & 63));
            else if (eat(">>")) v = v >> (parse_add() & 63);
            else return v;
        }
    }
    int64_t parse_add() {
        int64_t v = parse_mul();
        for (;;) {
            if (eat("+")) v = static_cast<int64_t>(static_cast<uint64_t>(v) + static_cast<uint64_t>(parse_mul()));
            else if (eat("-")) v = static_cast<int64_t>(static_cast<uint64_t>(v) - static_cast<uint64_t>(parse_mul()));
            else return v;
        }
    }
    int64_t parse_mul() {
        int64_t v = parse_unary();
        for (;;) {
            if (eat("*")) v = static_cast<int64_t>(static_cast<uint64_t>(v) * static_cast<uint64_t>(parse_unary()));
            else if (eat("/")) { int64_t d = parse_unary(); if (!d) { fail("division by zero"); return 0; } v /= d; }
            else if (eat("%")) { int64_t d = parse_unary(); if (!d) { fail("division by zero"); return 0; } v %= d; }
            else return v;
        }
    }

    // A C type name in a cast: its size and signedness.
    bool parse_type(unsigned& size, bool& is_signed) {
        size_t save = m_pos;
        std::string words;
        for (;;) {
            size_t before = m_pos;
            std::string w = ident();
            if (w.empty()) { m_pos = before; break; }
            if (!words.empty()) words += ' ';
            words += w;
        }
        if (words.size() > 2 && words.compare(words.size() - 2, 2, "_t") == 0) words.resize(words.size() - 2);
        static const struct { const char* name; unsigned size; bool sign; } types[] = {
            {"uint8", 1, false}, {"uint16", 2, false}, {"uint32", 4, false}, {"uint64", 8, false},
            {"int8", 1, true}, {"int16", 2, true}, {"int32", 4, true}, {"int64", 8, true},
            {"char", 1, true}, {"unsigned char", 1, false}, {"signed char", 1, true},
            {"short", 2, true}, {"unsigned short", 2, false}, {"int", 4, true}, {"unsigned", 4, false},
            {"unsigned int", 4, false}, {"long", 4, true}, {"unsigned long", 4, false},
            {"long long", 8, true}, {"unsigned long long", 8, false}, {"void", 1, false}};
        for (auto& t : types)
            if (words == t.name) { size = t.size; is_signed = t.sign; return true; }
        m_pos = save;
        return false;
    }

    int64_t deref(int64_t addr, unsigned size, bool is_signed) {
        uint64_t v = 0;
        if (!m_ctx.read || !m_ctx.read(static_cast<uint32_t>(addr), &v, size)) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "cannot access memory at address 0x%x", static_cast<uint32_t>(addr));
            fail(buf);
            return 0;
        }
        if (is_signed && size < 8) {
            unsigned shift = 64 - size * 8;
            return static_cast<int64_t>(v << shift) >> shift;
        }
        return static_cast<int64_t>(v);
    }

    int64_t parse_unary() {
        if (!m_err.empty()) return 0;
        if (eat("-")) return static_cast<int64_t>(0 - static_cast<uint64_t>(parse_unary()));
        if (eat("+")) return parse_unary();
        if (eat("!")) return parse_unary() ? 0 : 1;
        if (eat("~")) return ~parse_unary();
        if (eat("*")) {
            // *(type*)expr or *expr (a 32-bit word).
            size_t save = m_pos;
            unsigned size = 4;
            bool is_signed = false;
            if (eat("(")) {
                if (parse_type(size, is_signed) && eat("*") && eat(")")) return deref(parse_unary(), size, is_signed);
                m_pos = save;
                size = 4;
                is_signed = false;
            }
            return deref(parse_unary(), size, is_signed);
        }
        if (eat("(")) {
            // A cast without dereference: (uint8)expr truncates.
            size_t save = m_pos;
            unsigned size;
            bool is_signed;
            if (parse_type(size, is_signed) && eat(")")) {
                int64_t v = parse_unary();
                if (size < 8) {
                    unsigned shift = 64 - size * 8;
                    uint64_t u = static_cast<uint64_t>(v) << shift;
                    return is_signed ? static_cast<int64_t>(u) >> shift : static_cast<int64_t>(u >> shift);
                }
                return v;
            }
            m_pos = save;
            int64_t v = parse_or();
            if (!eat(")")) fail("missing ')'");
            return v;
        }
        return parse_primary();
    }

    int64_t parse_primary() {
        skip();
        if (m_pos >= m_s.size()) { fail("expression expected"); return 0; }
        char c = m_s[m_pos];
        if (c == '$') {
            m_pos++;
            std::string name = ident();
            uint32_t v = 0;
            if (name.empty() || !m_ctx.reg || !m_ctx.reg(name, v)) { fail("unknown register $" + name); return 0; }
            return v;
        }
        if (c == '\'' && m_pos + 2 < m_s.size() && m_s[m_pos + 2] == '\'') {
            int64_t v = static_cast<unsigned char>(m_s[m_pos + 1]);
            m_pos += 3;
            return v;
        }
        if (std::isdigit(static_cast<unsigned char>(c))) {
            const char* start = m_s.c_str() + m_pos;
            char* end = nullptr;
            unsigned long long v = std::strtoull(start, &end, 0);
            m_pos += static_cast<size_t>(end - start);
            return static_cast<int64_t>(v);
        }
        std::string name = ident();
        if (name.empty()) { fail(std::string("unexpected '") + c + "'"); return 0; }
        uint32_t v = 0;
        if (!m_ctx.symbol || !m_ctx.symbol(name, v)) { fail("no symbol \"" + name + "\""); return 0; }
        return v;
    }

    const std::string& m_s;
    const ExprContext& m_ctx;
    size_t m_pos = 0;
    std::string m_err;
};

}  // namespace

bool evaluate_expression(const std::string& text, const ExprContext& ctx, int64_t& out, std::string& err) {
    Parser p(text, ctx);
    return p.run(out, err);
}

}  // namespace gate386
