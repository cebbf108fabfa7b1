// gate386 --gdb PORT: a GDB remote serial protocol stub over the Debugger API, as qemu-user's
// -g PORT is. It listens on 127.0.0.1 only and serves one gdb connection: registers (an i386
// target description with the x87, SSE and Linux orig_eax features), memory, continue and step,
// software breakpoints (Z0/Z1), write watchpoints (Z2), and qXfer reads of the target
// description, the auxiliary vector (how gdb finds linux-gate.so.1 at AT_SYSINFO_EHDR and
// unwinds through its CFI) and the executable's name. Protocol: gdb's manual, "Remote Protocol".
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>

#include "core/debugger.h"
#include "core/process.h"
#include "frontend/debug_frontend.h"
#include "frontend/subcommands.h"

namespace gate386 {

namespace {

// Registers in the order of the description below (gdb's i386 numbering): the 16 general and
// segment registers, st0-st7, the x87 control registers, xmm0-xmm7, mxcsr, orig_eax.
const char kTargetXml[] = R"(<?xml version="1.0"?>
<!DOCTYPE target SYSTEM "gdb-target.dtd">
<target version="1.0">
  <architecture>i386</architecture>
  <osabi>GNU/Linux</osabi>
  <feature name="org.gnu.gdb.i386.core">
    <reg name="eax" bitsize="32" type="int32"/>
    <reg name="ecx" bitsize="32" type="int32"/>
    <reg name="edx" bitsize="32" type="int32"/>
    <reg name="ebx" bitsize="32" type="int32"/>
    <reg name="esp" bitsize="32" type="data_ptr"/>
    <reg name="ebp" bitsize="32" type="data_ptr"/>
    <reg name="esi" bitsize="32" type="int32"/>
    <reg name="edi" bitsize="32" type="int32"/>
    <reg name="eip" bitsize="32" type="code_ptr"/>
    <reg name="eflags" bitsize="32" type="int32"/>
    <reg name="cs" bitsize="32" type="int32"/>
    <reg name="ss" bitsize="32" type="int32"/>
    <reg name="ds" bitsize="32" type="int32"/>
    <reg name="es" bitsize="32" type="int32"/>
    <reg name="fs" bitsize="32" type="int32"/>
    <reg name="gs" bitsize="32" type="int32"/>
    <reg name="st0" bitsize="80" type="i387_ext"/>
    <reg name="st1" bitsize="80" type="i387_ext"/>
    <reg name="st2" bitsize="80" type="i387_ext"/>
    <reg name="st3" bitsize="80" type="i387_ext"/>
    <reg name="st4" bitsize="80" type="i387_ext"/>
    <reg name="st5" bitsize="80" type="i387_ext"/>
    <reg name="st6" bitsize="80" type="i387_ext"/>
    <reg name="st7" bitsize="80" type="i387_ext"/>
    <reg name="fctrl" bitsize="32" type="int" group="float"/>
    <reg name="fstat" bitsize="32" type="int" group="float"/>
    <reg name="ftag" bitsize="32" type="int" group="float"/>
    <reg name="fiseg" bitsize="32" type="int" group="float"/>
    <reg name="fioff" bitsize="32" type="int" group="float"/>
    <reg name="foseg" bitsize="32" type="int" group="float"/>
    <reg name="fooff" bitsize="32" type="int" group="float"/>
    <reg name="fop" bitsize="32" type="int" group="float"/>
  </feature>
  <feature name="org.gnu.gdb.i386.sse">
    <reg name="xmm0" bitsize="128" type="uint128"/>
    <reg name="xmm1" bitsize="128" type="uint128"/>
    <reg name="xmm2" bitsize="128" type="uint128"/>
    <reg name="xmm3" bitsize="128" type="uint128"/>
    <reg name="xmm4" bitsize="128" type="uint128"/>
    <reg name="xmm5" bitsize="128" type="uint128"/>
    <reg name="xmm6" bitsize="128" type="uint128"/>
    <reg name="xmm7" bitsize="128" type="uint128"/>
    <reg name="mxcsr" bitsize="32" type="int" group="vector"/>
  </feature>
  <feature name="org.gnu.gdb.i386.linux">
    <reg name="orig_eax" bitsize="32" type="int" regnum="41"/>
  </feature>
</target>
)";

constexpr int kNumRegs = 42;
int reg_size(int n) { return n >= 16 && n < 24 ? 10 : n >= 32 && n < 40 ? 16 : 4; }

const char kHex[] = "0123456789abcdef";

std::string to_hex(const uint8_t* p, size_t n) {
    std::string s;
    s.reserve(n * 2);
    for (size_t k = 0; k < n; k++) {
        s += kHex[p[k] >> 4];
        s += kHex[p[k] & 15];
    }
    return s;
}

int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool from_hex(const std::string& s, std::vector<uint8_t>& out) {
    out.clear();
    if (s.size() % 2) return false;
    for (size_t k = 0; k < s.size(); k += 2) {
        int a = hexval(s[k]), b = hexval(s[k + 1]);
        if (a < 0 || b < 0) return false;
        out.push_back(static_cast<uint8_t>(a * 16 + b));
    }
    return true;
}

// Binary data in a reply: the protocol's special characters escaped (0x7d, then the byte ^ 0x20).
std::string escape_binary(const std::string& data) {
    std::string out;
    for (char c : data) {
        if (c == '#' || c == '$' || c == '}' || c == '*') {
            out += '}';
            out += static_cast<char>(c ^ 0x20);
        } else {
            out += c;
        }
    }
    return out;
}

uint64_t parse_hex(const std::string& s, size_t& pos) {
    uint64_t v = 0;
    while (pos < s.size() && hexval(s[pos]) >= 0) v = v * 16 + static_cast<uint64_t>(hexval(s[pos++]));
    return v;
}

class Stub {
public:
    Stub(Debugger& d, int fd) : m_dbg(d), m_fd(fd) {}
    int serve();

private:
    bool read_packet(std::string& out);
    void send_packet(const std::string& body);
    std::string handle(const std::string& pkt);
    std::string stop_reply(const StopInfo& s);
    std::string resume(bool step);
    std::string read_registers();
    void reg_bytes(int n, uint8_t* out);
    bool write_register(int n, const uint8_t* in);
    std::string xfer(const std::string& object, const std::string& annex, size_t off, size_t len);
    std::string vfile(const std::string& pkt);
    std::string thread_id() const {
        std::string r(1, 'p');
        r += to_hex_num(m_pid);
        r += '.';
        r += to_hex_num(m_pid);
        return r;
    }
    // "PREFIX" + text, built by appending (GCC 12 warns falsely about literal + string).
    static std::string cat(const char* prefix, const std::string& text) {
        std::string r(prefix);
        r += text;
        return r;
    }
    static std::string to_hex_num(unsigned v) {
        char b[16];
        std::snprintf(b, sizeof b, "%x", v);
        return b;
    }
    bool interrupted();

    Debugger& m_dbg;
    int m_fd;
    bool m_noack = false;
    bool m_done = false;
    int m_status = 0;
    std::string m_buf;
    std::map<uint32_t, int> m_breaks;       // Z0/Z1 address → breakpoint id
    std::map<uint32_t, int> m_watches;      // Z2 address → watchpoint id
    unsigned m_pid = static_cast<unsigned>(getpid());
    // vFile: files gdb reads through the target (the guest's /proc/PID/maps, libraries).
    std::map<int, std::string> m_files;
    int m_next_file = 1;
};

bool Stub::read_packet(std::string& out) {
    for (;;) {
        // A whole packet in the buffer?
        size_t start = m_buf.find('$');
        if (start != std::string::npos) {
            size_t hash = m_buf.find('#', start);
            if (hash != std::string::npos && hash + 2 < m_buf.size()) {
                out = m_buf.substr(start + 1, hash - start - 1);
                m_buf.erase(0, hash + 3);
                if (!m_noack) (void)!write(m_fd, "+", 1);
                return true;
            }
        } else {
            m_buf.clear();   // acks and stray bytes
        }
        char chunk[4096];
        ssize_t n = read(m_fd, chunk, sizeof chunk);
        if (n <= 0) return false;
        m_buf.append(chunk, static_cast<size_t>(n));
    }
}

void Stub::send_packet(const std::string& body) {
    uint8_t sum = 0;
    for (char c : body) sum = static_cast<uint8_t>(sum + static_cast<uint8_t>(c));
    std::string pkt = "$" + body + "#" + kHex[sum >> 4] + kHex[sum & 15];
    size_t off = 0;
    while (off < pkt.size()) {
        ssize_t n = write(m_fd, pkt.data() + off, pkt.size() - off);
        if (n <= 0) { m_done = true; return; }
        off += static_cast<size_t>(n);
    }
    if (m_noack) return;
    // Wait for the '+' (a '-' asks for the packet again).
    char c;
    while (read(m_fd, &c, 1) == 1) {
        if (c == '+') return;
        if (c == '-') { send_packet(body); return; }
    }
}

void Stub::reg_bytes(int n, uint8_t* out) {
    RegisterSnapshot r = m_dbg.registers();
    uint32_t v = 0;
    std::memset(out, 0, 16);
    if (n < 8) v = r.gpr[n];
    else if (n == 8) v = r.eip;
    else if (n == 9) v = r.eflags;
    else if (n < 16) {
        static const int order[6] = {1, 2, 3, 0, 4, 5};   // cs ss ds es fs gs from es cs ss ds fs gs
        v = r.sel[order[n - 10]];
    } else if (n < 24) {
        const F80& f = r.x87.r[(r.x87.top + (n - 16)) & 7];
        std::memcpy(out, &f.mant, 8);
        std::memcpy(out + 8, &f.se, 2);
        return;
    } else if (n < 32) {
        const X87State& x = r.x87;
        switch (n) {
        case 24: v = x.cw; break;
        case 25: v = x.status_word(); break;
        case 26: v = x87_full_tag_word(x); break;
        case 27: v = x.fcs; break;
        case 28: v = x.fip; break;
        case 29: v = x.fds; break;
        case 30: v = x.fdp; break;
        default: v = x.fop; break;
        }
    } else if (n < 40) {
        std::memcpy(out, r.sse.xmm[n - 32].b, 16);
        return;
    } else if (n == 40) {
        v = r.sse.mxcsr;
    } else {
        v = 0xffffffffu;   // orig_eax: not inside a system call
    }
    std::memcpy(out, &v, 4);
}

bool Stub::write_register(int n, const uint8_t* in) {
    uint32_t v;
    std::memcpy(&v, in, 4);
    if (n < 8) return m_dbg.set_register(kGprNames[n], v);
    if (n == 8) return m_dbg.set_register("eip", v);
    if (n == 9) return m_dbg.set_register("eflags", v);
    return true;   // segment, FPU and SSE writes are accepted and ignored
}

std::string Stub::read_registers() {
    std::string s;
    for (int n = 0; n < kNumRegs; n++) {
        uint8_t b[16];
        reg_bytes(n, b);
        s += to_hex(b, static_cast<size_t>(reg_size(n)));
    }
    return s;
}

std::string Stub::xfer(const std::string& object, const std::string& annex, size_t off, size_t len) {
    std::string data;
    if (object == "features" && annex == "target.xml") {
        data = kTargetXml;
    } else if (object == "auxv") {
        const std::vector<uint8_t>& a = m_dbg.auxv_bytes();
        data.assign(a.begin(), a.end());
    } else if (object == "exec-file") {
        data = m_dbg.program();
    } else {
        return "";
    }
    if (off >= data.size()) return "l";
    std::string chunk = data.substr(off, len);
    return cat(off + len >= data.size() ? "l" : "m", escape_binary(chunk));
}

// Host I/O (gdb's "vFile" packets), read-only: gdb reads the guest's /proc/PID/task/PID/maps
// through it to find the vDSO's extent before loading its symbols from memory, and the
// libraries' files. /proc paths of this process are the guest's view (syscalls/procfs.h).
std::string Stub::vfile(const std::string& pkt) {
    auto err = [](int e) { return "F-1," + to_hex_num(static_cast<unsigned>(e)); };
    size_t colon = pkt.find(':', 6);
    std::string op = pkt.substr(6, colon == std::string::npos ? std::string::npos : colon - 6);
    std::string args = colon == std::string::npos ? "" : pkt.substr(colon + 1);
    size_t pos = 0;
    if (op == "setfs") return "F0";
    if (op == "open" || op == "readlink") {
        size_t comma = args.find(',');
        std::vector<uint8_t> name;
        if (!from_hex(args.substr(0, comma), name)) return err(EINVAL);
        std::string path(name.begin(), name.end());
        std::string own = "/proc/" + std::to_string(m_pid) + "/";
        std::string content;
        bool synthetic = false;
        if (path.rfind(own, 0) == 0 || path.rfind("/proc/self/", 0) == 0) {
            std::string rest = path.substr(path.rfind(own, 0) == 0 ? own.size() : 11);
            std::string task = "task/" + std::to_string(m_pid) + "/";
            if (rest.rfind(task, 0) == 0) rest = rest.substr(task.size());
            if (rest == "maps") { content = m_dbg.memory_map(); synthetic = true; }
            else if (rest == "exe") { content = m_dbg.program(); synthetic = true; }
            else return err(ENOENT);
        }
        if (op == "readlink") {
            if (!synthetic) {
                char buf[4096];
                ssize_t n = readlink(path.c_str(), buf, sizeof buf);
                if (n < 0) return err(errno);
                content.assign(buf, static_cast<size_t>(n));
            }
            return "F" + to_hex_num(static_cast<unsigned>(content.size())) + ";" + escape_binary(content);
        }
        if (!synthetic) {
            int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
            if (fd < 0) return err(errno);
            std::string data;
            char buf[65536];
            ssize_t n;
            while ((n = read(fd, buf, sizeof buf)) > 0) data.append(buf, static_cast<size_t>(n));
            close(fd);
            content = std::move(data);
        }
        int h = m_next_file++;
        m_files[h] = std::move(content);
        return "F" + to_hex_num(static_cast<unsigned>(h));
    }
    if (op == "pread") {
        int h = static_cast<int>(parse_hex(args, pos));
        pos++;
        size_t count = static_cast<size_t>(parse_hex(args, pos));
        pos++;
        size_t off = static_cast<size_t>(parse_hex(args, pos));
        auto it = m_files.find(h);
        if (it == m_files.end()) return err(EBADF);
        count = std::min<size_t>(count, 0x8000);
        std::string chunk = off < it->second.size() ? it->second.substr(off, count) : "";
        return "F" + to_hex_num(static_cast<unsigned>(chunk.size())) + ";" + escape_binary(chunk);
    }
    if (op == "close") {
        int h = static_cast<int>(parse_hex(args, pos));
        return m_files.erase(h) ? "F0" : err(EBADF);
    }
    if (op == "fstat") {
        int h = static_cast<int>(parse_hex(args, pos));
        auto it = m_files.find(h);
        if (it == m_files.end()) return err(EBADF);
        // gdb's struct fio_stat: big-endian fields, st_size at offset 28 (8 bytes).
        uint8_t st[64] = {};
        auto be32 = [&](size_t o, uint32_t v) { for (int k = 0; k < 4; k++) st[o + k] = uint8_t(v >> (24 - 8 * k)); };
        auto be64 = [&](size_t o, uint64_t v) { for (int k = 0; k < 8; k++) st[o + k] = uint8_t(v >> (56 - 8 * k)); };
        be32(8, 0100444);   // a regular, readable file
        be32(12, 1);
        be64(28, it->second.size());
        be64(36, 4096);
        be64(44, (it->second.size() + 511) / 512);
        std::string data(reinterpret_cast<char*>(st), sizeof st);
        return "F" + to_hex_num(sizeof st) + ";" + escape_binary(data);
    }
    return "";
}

std::string Stub::stop_reply(const StopInfo& s) {
    char buf[96];
    switch (s.reason) {
    case StopReason::Exited:
        if (s.exit_signal) std::snprintf(buf, sizeof buf, "X%02x;process:%x", s.exit_signal & 0xff, m_pid);
        else std::snprintf(buf, sizeof buf, "W%02x;process:%x", s.exit_code & 0xff, m_pid);
        return buf;
    case StopReason::Breakpoint: return "T05swbreak:;thread:" + thread_id() + ";";
    case StopReason::Watchpoint:
        std::snprintf(buf, sizeof buf, "T05watch:%x;", s.watch_addr);
        return buf + ("thread:" + thread_id() + ";");
    case StopReason::Signal:
        std::snprintf(buf, sizeof buf, "T%02x", s.signo & 0xff);
        return buf + ("thread:" + thread_id() + ";");
    case StopReason::Paused: return "T02thread:" + thread_id() + ";";
    default: return "T05thread:" + thread_id() + ";";
    }
}

bool Stub::interrupted() {
    pollfd p{m_fd, POLLIN, 0};
    if (poll(&p, 1, 0) <= 0) return false;
    char c;
    if (read(m_fd, &c, 1) != 1) { m_done = true; return true; }
    return c == 0x03;
}

std::string Stub::resume(bool step) {
    if (m_dbg.exited()) return stop_reply(m_dbg.last_stop());
    m_dbg.start(step ? Debugger::Mode::Step : Debugger::Mode::Continue, 1);
    for (;;) {
        StopInfo s = m_dbg.poll(200000);
        if (s.reason != StopReason::None) return stop_reply(s);
        if (interrupted()) m_dbg.request_pause();
        if (m_done) return "";
    }
}

std::string Stub::handle(const std::string& pkt) {
    if (pkt.empty()) return "";
    char k = pkt[0];
    size_t pos = 1;
    if (pkt.rfind("qSupported", 0) == 0)
        return "PacketSize=20000;qXfer:features:read+;qXfer:auxv:read+;qXfer:exec-file:read+;swbreak+;hwbreak+;"
               "QStartNoAckMode+;vContSupported+;multiprocess+";
    if (pkt == "QStartNoAckMode") {
        send_packet("OK");
        m_noack = true;
        return "\x01";   // already answered
    }
    if (pkt == "?") return stop_reply(m_dbg.last_stop());
    if (pkt.rfind("qAttached", 0) == 0) return "1";
    if (pkt == "qC") return cat("QC", thread_id());
    if (pkt == "qfThreadInfo") return cat("m", thread_id());
    if (pkt == "qsThreadInfo") return "l";
    if (pkt.rfind("qSymbol", 0) == 0) return "OK";
    if (k == 'H' || k == 'T') return "OK";
    if (pkt.rfind("qXfer:", 0) == 0) {
        // qXfer:OBJECT:read:ANNEX:OFFSET,LENGTH
        size_t a = pkt.find(':', 6), b = a == std::string::npos ? a : pkt.find(':', a + 1);
        size_t c = b == std::string::npos ? b : pkt.find(':', b + 1);
        if (c == std::string::npos || pkt.compare(a + 1, b - a - 1, "read") != 0) return "";
        std::string object = pkt.substr(6, a - 6), annex = pkt.substr(b + 1, c - b - 1);
        size_t p = c + 1;
        size_t off = static_cast<size_t>(parse_hex(pkt, p));
        p++;
        size_t len = static_cast<size_t>(parse_hex(pkt, p));
        return xfer(object, annex, off, len);
    }
    if (pkt == "vCont?") return "vCont;c;C;s;S";
    if (pkt.rfind("vCont;", 0) == 0) {
        // The first action decides (one thread): s/S steps, c/C continues.
        char act = pkt.size() > 6 ? pkt[6] : 'c';
        return resume(act == 's' || act == 'S');
    }
    if (pkt.rfind("vFile:", 0) == 0) return vfile(pkt);
    if (pkt.rfind("vKill", 0) == 0 || k == 'k') {
        m_done = true;
        m_status = 0;
        if (k == 'k') return "\x01";
        return "OK";
    }
    if (pkt.rfind("v", 0) == 0 || pkt.rfind("q", 0) == 0 || pkt.rfind("Q", 0) == 0) return "";
    switch (k) {
    case 'g': return read_registers();
    case 'G': {
        std::vector<uint8_t> b;
        if (!from_hex(pkt.substr(1), b)) return "E01";
        size_t off = 0;
        for (int n = 0; n < kNumRegs && off + size_t(reg_size(n)) <= b.size(); n++) {
            write_register(n, b.data() + off);
            off += size_t(reg_size(n));
        }
        return "OK";
    }
    case 'p': {
        int n = static_cast<int>(parse_hex(pkt, pos));
        if (n < 0 || n >= kNumRegs) return "E01";
        uint8_t b[16];
        reg_bytes(n, b);
        return to_hex(b, size_t(reg_size(n)));
    }
    case 'P': {
        int n = static_cast<int>(parse_hex(pkt, pos));
        std::vector<uint8_t> b;
        if (n < 0 || n >= kNumRegs || pos >= pkt.size() || !from_hex(pkt.substr(pos + 1), b) || b.size() < 4) return "E01";
        return write_register(n, b.data()) ? "OK" : "E01";
    }
    case 'm': {
        uint32_t addr = static_cast<uint32_t>(parse_hex(pkt, pos));
        pos++;
        uint32_t len = static_cast<uint32_t>(parse_hex(pkt, pos));
        if (len > 0x2000) len = 0x2000;
        std::vector<uint8_t> b(len);
        std::vector<uint8_t> okv(len);
        bool* ok = reinterpret_cast<bool*>(okv.data());
        m_dbg.read_memory(addr, len, b.data(), ok);
        // A partial read returns what is readable from the start.
        size_t n = 0;
        while (n < len && ok[n]) n++;
        if (n == 0 && len) return "E14";
        return to_hex(b.data(), n);
    }
    case 'M': {
        uint32_t addr = static_cast<uint32_t>(parse_hex(pkt, pos));
        pos++;
        uint32_t len = static_cast<uint32_t>(parse_hex(pkt, pos));
        std::vector<uint8_t> b;
        if (pos >= pkt.size() || !from_hex(pkt.substr(pos + 1), b) || b.size() != len) return "E01";
        return m_dbg.write_memory(addr, b.data(), len) ? "OK" : "E14";
    }
    case 'c': case 'C': return resume(false);
    case 's': case 'S': return resume(true);
    case 'D':
        m_done = true;
        m_status = -1;   // detached: the program runs on
        return "OK";
    case 'Z': case 'z': {
        bool insert = k == 'Z';
        int type = pkt.size() > 1 ? pkt[1] - '0' : -1;
        pos = 3;
        uint32_t addr = static_cast<uint32_t>(parse_hex(pkt, pos));
        pos++;
        uint32_t len = static_cast<uint32_t>(parse_hex(pkt, pos));
        std::string err;
        if (type == 0 || type == 1) {
            if (insert) {
                if (m_breaks.count(addr)) return "OK";
                char loc[16];
                std::snprintf(loc, sizeof loc, "0x%x", addr);
                int id = m_dbg.add_breakpoint(loc, "", err);
                if (!id) return "E01";
                m_breaks[addr] = id;
            } else if (m_breaks.count(addr)) {
                m_dbg.remove_breakpoint(m_breaks[addr]);
                m_breaks.erase(addr);
            }
            return "OK";
        }
        if (type == 2) {
            if (insert) {
                int id = m_dbg.add_watchpoint(addr, len ? len : 4, err);
                if (!id) return "E01";
                m_watches[addr] = id;
            } else if (m_watches.count(addr)) {
                m_dbg.remove_watchpoint(m_watches[addr]);
                m_watches.erase(addr);
            }
            return "OK";
        }
        return "";   // read and access watchpoints: not supported
    }
    default: return "";
    }
}

int Stub::serve() {
    std::string pkt;
    while (!m_done && read_packet(pkt)) {
        std::string reply = handle(pkt);
        if (reply == "\x01") continue;
        if (!m_done || !reply.empty()) send_packet(reply);
    }
    return m_status;
}

}  // namespace

int run_gdb_stub(int port, const Options& opts, const std::string& program, const std::vector<std::string>& argv,
                 const std::vector<std::string>& envp) {
    Debugger dbg;
    std::string err;
    if (!dbg.load(opts, program, argv, envp, err, [](Process& p) { return apply_cpu_model(p); })) {
        std::fprintf(stderr, "gate386: %s\n", err.c_str());
        return 126;
    }
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<uint16_t>(port));
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);   // loopback only: the stub trusts its client fully
    if (ls < 0 || bind(ls, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 || listen(ls, 1) != 0) {
        std::fprintf(stderr, "gate386: cannot listen on 127.0.0.1:%d: %s\n", port, std::strerror(errno));
        return 2;
    }
    std::fprintf(stderr, "gate386: waiting for gdb on 127.0.0.1:%d\n", port);
    int fd = accept4(ls, nullptr, nullptr, SOCK_CLOEXEC);
    close(ls);
    if (fd < 0) {
        std::fprintf(stderr, "gate386: accept: %s\n", std::strerror(errno));
        return 2;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    Stub stub(dbg, fd);
    int status = stub.serve();
    close(fd);
    if (status == -1 && !dbg.exited()) {
        // Detached: the program runs to its end without the debugger.
        std::fprintf(stderr, "gate386: gdb detached; the program continues\n");
        return run_process(*dbg.process());
    }
    if (dbg.exited()) return dbg.process()->exit_code;
    return 0;
}

}  // namespace gate386
