#include "syscalls/strace.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <string>

#include "core/process.h"

namespace gate386 {

namespace {

std::string g_suffix;
StraceLineSink g_line_sink = nullptr;
void* g_line_ctx = nullptr;
StraceSuffixFn g_suffix_fn = nullptr;

std::string quote(const std::string& s, size_t limit = 32) {
    std::string out = "\"";
    for (size_t k = 0; k < s.size() && k < limit; k++) {
        unsigned char ch = static_cast<unsigned char>(s[k]);
        switch (ch) {
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        default:
            if (ch >= 32 && ch < 127) out += static_cast<char>(ch);
            else { char b[8]; std::snprintf(b, sizeof b, "\\%o", ch); out += b; }
        }
    }
    out += "\"";
    if (s.size() > limit) out += "...";
    return out;
}

std::string hex(uint32_t v) { char b[16]; std::snprintf(b, sizeof b, "%#x", v); return b; }

std::string guest_buffer(Process& p, uint32_t addr, int32_t len) {
    if (len < 0) return hex(addr);
    std::string s(static_cast<size_t>(std::min<int32_t>(len, 32)), '\0');
    if (!p.mem.read(addr, s.data(), static_cast<uint32_t>(s.size()))) return hex(addr);
    std::string q = quote(s, 32);
    if (len > 32 && q.size() >= 3 && q.compare(q.size() - 3, 3, "...") != 0) q += "...";
    return q;
}

std::string format_arg(Process& p, char f, const SyscallArgs& a, int k, int32_t result, bool done) {
    uint32_t v = a[k];
    switch (f) {
    case 'd': case 'f': return std::to_string(static_cast<int32_t>(v));
    case 'u': return std::to_string(v);
    case 'x': return hex(v);
    case 'p': return v ? hex(v) : "NULL";
    case 'm': { char b[16]; std::snprintf(b, sizeof b, "0%o", v); return b; }
    case 'o': return format_open_flags(v);
    case 's': {
        if (!v) return "NULL";
        std::string s;
        if (!p.mem.read_string(v, s, 4096)) return hex(v);
        return quote(s, 256);
    }
    case 'b': return guest_buffer(p, v, k + 1 < 6 ? static_cast<int32_t>(a[k + 1]) : 0);
    case 'B': return done && result >= 0 ? guest_buffer(p, v, result) : hex(v);
    default: return hex(v);
    }
}

}  // namespace

const char* errno_name(int e) {
    static const char* const names[] = {
        "0", "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF",
        "ECHILD", "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV",
        "ENODEV", "ENOTDIR", "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG",
        "ENOSPC", "ESPIPE", "EROFS", "EMLINK", "EPIPE", "EDOM", "ERANGE", "EDEADLK", "ENAMETOOLONG",
        "ENOLCK", "ENOSYS", "ENOTEMPTY", "ELOOP"};
    if (e >= 0 && e < static_cast<int>(sizeof(names) / sizeof(names[0]))) return names[e];
    switch (e) {
    case ENODATA: return "ENODATA";
    case EOVERFLOW: return "EOVERFLOW";
    case ENOTSOCK: return "ENOTSOCK";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case ECONNREFUSED: return "ECONNREFUSED";
    case ETIMEDOUT: return "ETIMEDOUT";
    case 512: return "ERESTARTSYS";
    case 513: return "ERESTARTNOINTR";
    case 514: return "ERESTARTNOHAND";
    case 516: return "ERESTART_RESTARTBLOCK";
    default: return "E?";
    }
}

std::string format_open_flags(uint32_t flags) {
    std::string s;
    switch (flags & 3) {
    case 0: s = "O_RDONLY"; break;
    case 1: s = "O_WRONLY"; break;
    case 2: s = "O_RDWR"; break;
    default: s = "O_ACCMODE"; break;
    }
    // i386 values (include/uapi/asm-generic/fcntl.h).
    static const struct { uint32_t bit; const char* name; } bits[] = {
        {0100, "O_CREAT"}, {0200, "O_EXCL"}, {0400, "O_NOCTTY"}, {01000, "O_TRUNC"},
        {02000, "O_APPEND"}, {04000, "O_NONBLOCK"}, {010000, "O_DSYNC"}, {020000, "O_ASYNC"},
        {040000, "O_DIRECT"}, {0100000, "O_LARGEFILE"}, {0200000, "O_DIRECTORY"},
        {0400000, "O_NOFOLLOW"}, {01000000, "O_NOATIME"}, {02000000, "O_CLOEXEC"},
        {010000000, "O_PATH"}, {020000000, "O_TMPFILE"}};
    uint32_t rest = flags & ~3u;
    for (auto& b : bits)
        if (rest & b.bit) { s += "|"; s += b.name; rest &= ~b.bit; }
    if (rest) {
        s += '|';
        s += hex(rest);
    }
    return s;
}

void strace_set_suffix(const std::string& suffix) { g_suffix = suffix; }
void strace_set_line_sink(StraceLineSink fn, void* ctx) {
    g_line_sink = fn;
    g_line_ctx = ctx;
}
void strace_set_suffix_provider(StraceSuffixFn fn) { g_suffix_fn = fn; }

static void print_line(Process& p, uint32_t nr, const SyscallArgs& a, int32_t result, bool done) {
    const SyscallInfo& info = syscall_info(nr);
    std::string line = info.name ? info.name : ("syscall_" + std::to_string(nr));
    line += "(";
    const char* f = info.format ? info.format : "";
    int k = 0;
    for (; *f && *f != ':' && k < 6; f++, k++) {
        if (k) line += ", ";
        line += format_arg(p, *f, a, k, result, done);
    }
    line += ")";
    if (!done) {
        line += " = ?";
    } else if (result <= -512 && result >= -516) {
        // The kernel's restart codes never reach the program; strace shows them as it does.
        static const char* const what[] = {"To be restarted if SA_RESTART is set", "To be restarted",
                                           "To be restarted if no handler", "?", "Interrupted by signal"};
        line += " = ? ";
        line += errno_name(-result);
        line += " (";
        line += what[-result - 512];
        line += ")";
    } else if (result < 0 && result > -4096) {
        line += " = -1 ";
        line += errno_name(-result);
        if (-result < 512) { line += " ("; line += std::strerror(-result); line += ")"; }
    } else {
        char rf = (*f == ':' && f[1]) ? f[1] : 'd';
        line += " = ";
        line += rf == 'x' || rf == 'p' ? hex(static_cast<uint32_t>(result)) : std::to_string(result);
    }
    if (g_suffix.empty() && g_suffix_fn && done) g_suffix = g_suffix_fn(p, nr, result);
    if (!g_suffix.empty()) { line += "  "; line += g_suffix; g_suffix.clear(); }
    line += "\n";
    if (g_line_sink && !g_line_sink(g_line_ctx, line)) return;
    std::fputs(line.c_str(), stderr);
}

void strace_print(const std::string& line) {
    if (g_line_sink && !g_line_sink(g_line_ctx, line)) return;
    std::fputs(line.c_str(), stderr);
}

void strace_enter(Process& p, uint32_t nr, const SyscallArgs& a) {
    // Calls that do not return print at entry, as strace does.
    if (nr == kNrExit || nr == kNrExitGroup) print_line(p, nr, a, 0, false);
}

void strace_exit(Process& p, uint32_t nr, const SyscallArgs& a, int32_t result) {
    if (nr == kNrExit || nr == kNrExitGroup) return;
    print_line(p, nr, a, result, true);
}

void strace_unknown(Process& p, uint32_t nr, const SyscallArgs& a) {
    print_line(p, nr, a, -ENOSYS, true);
}

}  // namespace gate386
