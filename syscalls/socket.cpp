// Sockets: socketcall(102) and the direct calls socket .. shutdown (359-373), recvmmsg and sendmmsg
// (net/socket.c, net/compat.c). Guest sockets are host sockets (as in qemu-user). Socket addresses
// (struct sockaddr_un, sockaddr_in, sockaddr_in6, sockaddr_nl ...) are the same bytes on i386 and
// x86-64, so they go to the host kernel in place; what differs is the message header (struct
// compat_msghdr), the control messages inside it (struct compat_cmsghdr: a 12-byte header aligned
// to 4, where the host's is 16 aligned to 8), and the few socket options holding a timeval or a
// pointer. Those are translated here the way net/compat.c translates them for an i386 caller.
#include <algorithm>
#include <cstring>
#include <ctime>
#include <linux/filter.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

#include "syscalls/guest_types.h"
#include "syscalls/syscall_table.h"
#include "syscalls/syscall_util.h"

namespace gate386 {

void* fs_fault_ptr();   // fs_open.cpp: a host address that always faults

namespace {

// include/uapi/asm-generic/socket.h; the "_OLD" options carry a timeval/timespec whose layout
// depends on the caller's word size.
constexpr int kSoRcvtimeoOld = 20, kSoSndtimeoOld = 21, kSoAttachFilter = 26, kSoTimestampOld = 29,
              kSoTimestampnsOld = 35, kSoTimestampingOld = 37, kSoAttachReuseportCbpf = 51;
constexpr uint32_t kMsgCmsgCompat = 0x80000000u;   // include/linux/socket.h: the kernel's own bit
constexpr uint32_t kUioMaxiov = 1024;              // include/uapi/linux/uio.h UIO_MAXIOV
constexpr uint32_t kSockaddrStorage = 128;         // sizeof(struct sockaddr_storage)

inline uint32_t align4(uint32_t n) { return (n + 3) & ~3u; }

// A guest buffer handed to the host kernel: nullptr stays nullptr, a valid range is used in place,
// an invalid one becomes an address that faults, so the host kernel returns -EFAULT in the order
// it checks things (EBADF and ENOTSOCK first), as the i386 program would see.
const void* in_ptr(Process& p, uint32_t addr, uint32_t len) {
    if (!addr) return nullptr;
    const void* h = guest_in(p, addr, len);
    return h ? h : fs_fault_ptr();
}
void* out_ptr(Process& p, uint32_t addr, uint32_t len) {
    if (!addr) return nullptr;
    void* h = guest_out(p, addr, len);
    return h ? h : fs_fault_ptr();
}

// An address buffer the kernel fills, with its in/out length word (accept, getsockname,
// recvfrom). The length is read here only to know how much of the buffer must be writable.
void address_out(Process& p, uint32_t addr, uint32_t lenp, void*& haddr, socklen_t*& hlen) {
    haddr = nullptr;
    hlen = nullptr;
    if (lenp) {
        hlen = static_cast<socklen_t*>(out_ptr(p, lenp, 4));
        if (hlen == fs_fault_ptr()) { haddr = addr ? fs_fault_ptr() : nullptr; return; }
    }
    if (addr) {
        int32_t len = hlen ? static_cast<int32_t>(*hlen) : 0;
        haddr = out_ptr(p, addr, static_cast<uint32_t>(std::clamp<int32_t>(len, 0, kSockaddrStorage)));
    }
}

int32_t do_socket(Process&, uint32_t domain, uint32_t type, uint32_t proto) {
    return host_result(socket(static_cast<int>(domain), static_cast<int>(type), static_cast<int>(proto)));
}

// net/socket.c __sys_socketpair: the descriptors exist before they are stored; a fault drops them.
int32_t do_socketpair(Process& p, uint32_t domain, uint32_t type, uint32_t proto, uint32_t sv) {
    int fds[2];
    if (socketpair(static_cast<int>(domain), static_cast<int>(type), static_cast<int>(proto), fds) < 0) return -errno;
    int32_t g[2] = {fds[0], fds[1]};
    if (!p.mem.write(sv, g, sizeof g)) {
        close(fds[0]);
        close(fds[1]);
        return -EFAULT;
    }
    return 0;
}

// bind/connect: move_addr_to_kernel refuses a length over sizeof(sockaddr_storage) before
// touching the buffer; the host kernel does the same with the same length.
int32_t do_bind(Process& p, uint32_t fd, uint32_t addr, uint32_t len) {
    const void* h = len <= kSockaddrStorage ? in_ptr(p, addr, len) : nullptr;
    return host_result(syscall(SYS_bind, static_cast<int>(fd), h, len));
}
int32_t do_connect(Process& p, uint32_t fd, uint32_t addr, uint32_t len) {
    const void* h = len <= kSockaddrStorage ? in_ptr(p, addr, len) : nullptr;
    return host_result(syscall(SYS_connect, static_cast<int>(fd), h, len));
}
int32_t do_listen(Process&, uint32_t fd, uint32_t backlog) {
    return host_result(listen(static_cast<int>(fd), static_cast<int>(backlog)));
}
int32_t do_accept4(Process& p, uint32_t fd, uint32_t addr, uint32_t lenp, uint32_t flags) {
    void* ha;
    socklen_t* hl;
    address_out(p, addr, lenp, ha, hl);
    return host_result(syscall(SYS_accept4, static_cast<int>(fd), ha, hl, static_cast<int>(flags)));
}
int32_t do_getname(Process& p, long nr, uint32_t fd, uint32_t addr, uint32_t lenp) {
    void* ha;
    socklen_t* hl;
    address_out(p, addr, lenp, ha, hl);
    return host_result(syscall(nr, static_cast<int>(fd), ha, hl));
}
int32_t do_sendto(Process& p, uint32_t fd, uint32_t buf, uint32_t len, uint32_t flags, uint32_t addr, uint32_t alen) {
    const void* hb = len ? in_ptr(p, buf, len) : p.mem.host(buf);
    const void* ha = alen <= kSockaddrStorage ? in_ptr(p, addr, alen) : nullptr;
    return host_result(syscall(SYS_sendto, static_cast<int>(fd), hb, size_t{len}, static_cast<int>(flags), ha, alen));
}
int32_t do_recvfrom(Process& p, uint32_t fd, uint32_t buf, uint32_t len, uint32_t flags, uint32_t addr, uint32_t lenp) {
    void* hb = len ? out_ptr(p, buf, len) : p.mem.host(buf);
    void* ha;
    socklen_t* hl;
    address_out(p, addr, lenp, ha, hl);
    return host_result(syscall(SYS_recvfrom, static_cast<int>(fd), hb, size_t{len}, static_cast<int>(flags), ha, hl));
}
int32_t do_shutdown(Process&, uint32_t fd, uint32_t how) {
    return host_result(shutdown(static_cast<int>(fd), static_cast<int>(how)));
}

// ---- socket options ----

// SO_RCVTIMEO_OLD/SO_SNDTIMEO_OLD take a struct old_timeval32 from an i386 caller
// (net/core/sock.c sock_set_timeout / sock_get_timeout with in_compat_syscall()).
int32_t do_setsockopt(Process& p, uint32_t fd, uint32_t level, uint32_t name, uint32_t val, uint32_t len) {
    int hfd = static_cast<int>(fd), lvl = static_cast<int>(level), opt = static_cast<int>(name);
    if (lvl == SOL_SOCKET && (opt == kSoRcvtimeoOld || opt == kSoSndtimeoOld)) {
        // Too short for a timeval32 is too short for the host's timeval as well: EINVAL after EBADF/ENOTSOCK.
        if (len < sizeof(GuestTimeval32)) return host_result(setsockopt(hfd, lvl, opt, in_ptr(p, val, len), len));
        GuestTimeval32 g;
        if (!copy_from_guest(p, val, g)) return host_result(setsockopt(hfd, lvl, opt, fs_fault_ptr(), sizeof(timeval)));
        timeval tv{g.tv_sec, g.tv_usec};
        return host_result(setsockopt(hfd, lvl, opt, &tv, sizeof tv));
    }
    if (lvl == SOL_SOCKET && (opt == kSoAttachFilter || opt == kSoAttachReuseportCbpf)) {
        // struct compat_sock_fprog -> struct sock_fprog (net/compat.c get_compat_bpf_fprog).
        GuestSockFprog g;
        if (len < sizeof g) return host_result(setsockopt(hfd, lvl, opt, in_ptr(p, val, len), len));
        if (!copy_from_guest(p, val, g)) return host_result(setsockopt(hfd, lvl, opt, fs_fault_ptr(), sizeof(sock_fprog)));
        sock_fprog h{g.len, static_cast<sock_filter*>(const_cast<void*>(in_ptr(p, g.filter, g.len * 8u)))};
        return host_result(setsockopt(hfd, lvl, opt, &h, sizeof h));
    }
    return host_result(setsockopt(hfd, lvl, opt, in_ptr(p, val, len), len));
}

int32_t do_getsockopt(Process& p, uint32_t fd, uint32_t level, uint32_t name, uint32_t val, uint32_t lenp) {
    int hfd = static_cast<int>(fd), lvl = static_cast<int>(level), opt = static_cast<int>(name);
    int32_t glen = 0;
    bool len_ok = lenp && copy_from_guest(p, lenp, glen);
    if (lvl == SOL_SOCKET && (opt == kSoRcvtimeoOld || opt == kSoSndtimeoOld) && len_ok) {
        timeval tv{};
        socklen_t hl = sizeof tv;
        if (getsockopt(hfd, lvl, opt, &tv, &hl) < 0) return -errno;
        if (glen < 0) return -EINVAL;
        GuestTimeval32 g{static_cast<int32_t>(tv.tv_sec), static_cast<int32_t>(tv.tv_usec)};
        // sk_getsockopt: the value is cut to the caller's length, the length says how much was written.
        uint32_t n = std::min<uint32_t>(static_cast<uint32_t>(glen), sizeof g);
        if (!p.mem.write(val, &g, n)) return -EFAULT;
        int32_t out = static_cast<int32_t>(n);
        return copy_to_guest(p, lenp, out) ? 0 : -EFAULT;
    }
    socklen_t* hl = lenp ? static_cast<socklen_t*>(out_ptr(p, lenp, 4)) : nullptr;
    void* hv = len_ok && glen > 0 ? out_ptr(p, val, static_cast<uint32_t>(glen)) : (val ? p.mem.host(val) : nullptr);
    return host_result(getsockopt(hfd, lvl, opt, hv, hl));
}

// ---- messages ----

// One guest message made into a host struct msghdr: host iovecs pointing into guest memory and
// the control messages in the host's format.
struct HostMsg {
    msghdr h{};
    std::vector<iovec> iov;
    std::vector<uint8_t> control;
};

// Guest control messages -> host format (net/compat.c cmsghdr_from_user_compat_to_kern): every
// header must hold at least itself and lie within msg_controllen; a non-empty buffer without one
// whole header is EINVAL.
int32_t cmsgs_to_host(Process& p, uint32_t control, uint32_t controllen, std::vector<uint8_t>& out) {
    std::vector<uint8_t> in(controllen);
    if (!p.mem.read(control, in.data(), controllen)) return -EFAULT;
    out.clear();
    uint32_t at = 0;
    while (at + sizeof(GuestCmsghdr) <= controllen) {
        GuestCmsghdr g;
        std::memcpy(&g, in.data() + at, sizeof g);
        if (g.len < sizeof g || uint64_t(at) + g.len > controllen) return -EINVAL;
        uint32_t data = g.len - static_cast<uint32_t>(sizeof g);
        size_t base = out.size();
        out.resize(base + CMSG_SPACE(data), 0);
        cmsghdr h{};
        h.cmsg_len = CMSG_LEN(data);
        h.cmsg_level = g.level;
        h.cmsg_type = g.type;
        std::memcpy(out.data() + base, &h, sizeof h);
        std::memcpy(out.data() + base + CMSG_LEN(0), in.data() + at + sizeof g, data);
        at += align4(g.len);
    }
    if (out.empty()) return -EINVAL;
    return 0;
}

// Host control messages -> the guest's buffer (net/compat.c put_cmsg_compat and
// scm_detach_fds_compat): timestamps shrink to 32-bit time, descriptors that do not fit are
// closed, and whatever was cut sets MSG_CTRUNC. Returns the bytes used, or -EFAULT.
int32_t cmsgs_to_guest(Process& p, const msghdr& h, uint32_t control, uint32_t controllen, uint32_t& flags) {
    uint32_t at = 0;
    for (cmsghdr* c = h.msg_controllen ? CMSG_FIRSTHDR(&h) : nullptr; c; c = CMSG_NXTHDR(const_cast<msghdr*>(&h), c)) {
        const uint8_t* data = CMSG_DATA(c);
        uint32_t len = static_cast<uint32_t>(c->cmsg_len - CMSG_LEN(0));
        uint32_t room = controllen - at;
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            uint32_t nfds = len / 4, fit = room > sizeof(GuestCmsghdr) ? (room - 12) / 4 : 0;
            uint32_t n = std::min(nfds, fit);
            const int* fds = reinterpret_cast<const int*>(data);
            for (uint32_t k = n; k < nfds; k++) close(fds[k]);
            if (n < nfds) flags |= MSG_CTRUNC;
            if (n == 0) continue;
            GuestCmsghdr g{12 + 4 * n, SOL_SOCKET, SCM_RIGHTS};
            if (!p.mem.write(control + at, &g, sizeof g) || !p.mem.write(control + at + 12, fds, 4 * n)) {
                for (uint32_t k = 0; k < n; k++) close(fds[k]);
                return -EFAULT;
            }
            at += std::min(align4(12 + 4 * n), room);
            continue;
        }
        uint8_t conv[3 * sizeof(GuestTimespec32)];
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == kSoTimestampOld && len >= sizeof(timeval)) {
            timeval tv;
            std::memcpy(&tv, data, sizeof tv);
            GuestTimeval32 g{static_cast<int32_t>(tv.tv_sec), static_cast<int32_t>(tv.tv_usec)};
            std::memcpy(conv, &g, sizeof g);
            data = conv;
            len = sizeof g;
        } else if (c->cmsg_level == SOL_SOCKET && (c->cmsg_type == kSoTimestampnsOld || c->cmsg_type == kSoTimestampingOld)) {
            uint32_t count = c->cmsg_type == kSoTimestampnsOld ? 1 : 3;
            if (len >= count * sizeof(timespec)) {
                for (uint32_t k = 0; k < count; k++) {
                    timespec ts;
                    std::memcpy(&ts, data + k * sizeof ts, sizeof ts);
                    GuestTimespec32 g{static_cast<int32_t>(ts.tv_sec), static_cast<int32_t>(ts.tv_nsec)};
                    std::memcpy(conv + k * sizeof g, &g, sizeof g);
                }
                data = conv;
                len = count * static_cast<uint32_t>(sizeof(GuestTimespec32));
            }
        }
        if (room < sizeof(GuestCmsghdr)) { flags |= MSG_CTRUNC; continue; }
        uint32_t cmlen = 12 + len;
        if (room < cmlen) { flags |= MSG_CTRUNC; cmlen = room; }
        GuestCmsghdr g{cmlen, c->cmsg_level, c->cmsg_type};
        if (!p.mem.write(control + at, &g, sizeof g) || !p.mem.write(control + at + 12, data, cmlen - 12)) return -EFAULT;
        at += std::min(align4(12 + len), room);
    }
    return static_cast<int32_t>(at);
}

// net/compat.c __get_compat_msghdr + the iovec import: the name is used in place, the iovecs
// become host iovecs into guest memory, control messages are translated for sending and given a
// roomy host buffer for receiving.
int32_t msg_from_guest(Process& p, const GuestMsghdr& g, bool receiving, HostMsg& m) {
    m.h = msghdr{};
    if (g.name && g.namelen) {
        uint32_t n = static_cast<uint32_t>(std::clamp<int32_t>(g.namelen, 0, kSockaddrStorage));
        m.h.msg_name = receiving ? out_ptr(p, g.name, n) : const_cast<void*>(in_ptr(p, g.name, n));
        m.h.msg_namelen = static_cast<socklen_t>(g.namelen);
        if (g.namelen < 0) return -EINVAL;
    }
    if (g.iovlen > kUioMaxiov) return -EMSGSIZE;
    m.iov.resize(g.iovlen);
    for (uint32_t k = 0; k < g.iovlen; k++) {
        GuestIovec v;
        if (!copy_from_guest(p, g.iov + 8 * k, v)) return -EFAULT;
        if (static_cast<int32_t>(v.len) < 0) return -EINVAL;
        void* h = receiving ? guest_out(p, v.base, v.len) : const_cast<void*>(guest_in(p, v.base, v.len));
        if (!h) return -EFAULT;
        m.iov[k] = iovec{h, v.len};
    }
    m.h.msg_iov = m.iov.data();
    m.h.msg_iovlen = m.iov.size();
    m.h.msg_flags = static_cast<int>(g.flags);
    if (static_cast<int32_t>(g.controllen) < 0) return -ENOBUFS;
    if (receiving) {
        if (g.control && g.controllen) {
            // Host headers are at most 4 bytes bigger and 4 bytes more padded than the guest's.
            m.control.assign(std::min<size_t>(size_t{g.controllen} * 2 + 64, 1u << 20), 0);
            m.h.msg_control = m.control.data();
            m.h.msg_controllen = m.control.size();
        }
    } else if (g.controllen) {
        int32_t e = cmsgs_to_host(p, g.control, g.controllen, m.control);
        if (e) return e;
        m.h.msg_control = m.control.data();
        m.h.msg_controllen = m.control.size();
    }
    return 0;
}

// After a receive: the name length, the control messages and the flags go back into the guest's
// header (net/socket.c ____sys_recvmsg with MSG_CMSG_COMPAT).
int32_t msg_to_guest(Process& p, uint32_t addr, GuestMsghdr& g, const HostMsg& m) {
    uint32_t flags = static_cast<uint32_t>(m.h.msg_flags);
    uint32_t used = 0;
    if (g.control && g.controllen) {
        int32_t r = cmsgs_to_guest(p, m.h, g.control, g.controllen, flags);
        if (r < 0) return r;
        used = static_cast<uint32_t>(r);
    } else if (m.h.msg_flags & MSG_CTRUNC) {
        flags |= MSG_CTRUNC;
    }
    if (g.name) g.namelen = static_cast<int32_t>(m.h.msg_namelen);
    g.controllen = used;
    g.flags = flags & ~kMsgCmsgCompat;
    return copy_to_guest(p, addr, g) ? 0 : -EFAULT;
}

int32_t do_sendmsg(Process& p, uint32_t fd, uint32_t msg, uint32_t flags) {
    GuestMsghdr g;
    if (!copy_from_guest(p, msg, g)) return -EFAULT;
    HostMsg m;
    int32_t e = msg_from_guest(p, g, false, m);
    if (e) return e;
    return host_result(sendmsg(static_cast<int>(fd), &m.h, static_cast<int>(flags & ~kMsgCmsgCompat)));
}

int32_t do_recvmsg(Process& p, uint32_t fd, uint32_t msg, uint32_t flags) {
    GuestMsghdr g;
    if (!copy_from_guest(p, msg, g)) return -EFAULT;
    HostMsg m;
    int32_t e = msg_from_guest(p, g, true, m);
    if (e) return e;
    ssize_t r = recvmsg(static_cast<int>(fd), &m.h, static_cast<int>(flags & ~kMsgCmsgCompat));
    if (r < 0) return -errno;
    e = msg_to_guest(p, msg, g, m);
    return e ? e : static_cast<int32_t>(r);
}

// sendmmsg/recvmmsg: every header is translated first; one that cannot be limits the batch to
// the messages before it (or fails the call when it is the first), as the kernel's loop over
// the array would stop there.
int32_t do_sendmmsg(Process& p, uint32_t fd, uint32_t vec, uint32_t vlen, uint32_t flags) {
    vlen = std::min(vlen, kUioMaxiov);
    std::vector<HostMsg> msgs(vlen);
    std::vector<mmsghdr> h(vlen);
    uint32_t n = 0;
    int32_t first_err = 0;
    for (; n < vlen; n++) {
        GuestMmsghdr g;
        if (!copy_from_guest(p, vec + n * 32, g)) { first_err = -EFAULT; break; }
        if (int32_t e = msg_from_guest(p, g.hdr, false, msgs[n])) { first_err = e; break; }
        h[n].msg_hdr = msgs[n].h;
    }
    if (n == 0) return vlen ? first_err : 0;
    int r = sendmmsg(static_cast<int>(fd), h.data(), n, static_cast<int>(flags & ~kMsgCmsgCompat));
    if (r < 0) return -errno;
    for (int k = 0; k < r; k++) {
        uint32_t len = h[k].msg_len;
        if (!p.mem.write(vec + static_cast<uint32_t>(k) * 32 + 28, &len, 4)) return k ? k : -EFAULT;
    }
    return r;
}

template <typename Ts>
int32_t do_recvmmsg(Process& p, uint32_t fd, uint32_t vec, uint32_t vlen, uint32_t flags, uint32_t timeout) {
    vlen = std::min(vlen, kUioMaxiov);
    timespec ts{}, *tsp = nullptr;
    if (timeout) {
        Ts g;
        if (!copy_from_guest(p, timeout, g)) return -EFAULT;
        ts.tv_sec = g.tv_sec;
        ts.tv_nsec = static_cast<long>(g.tv_nsec);
        tsp = &ts;
    }
    std::vector<HostMsg> msgs(vlen);
    std::vector<GuestMmsghdr> gs(vlen);
    std::vector<mmsghdr> h(vlen);
    uint32_t n = 0;
    int32_t first_err = 0;
    for (; n < vlen; n++) {
        if (!copy_from_guest(p, vec + n * 32, gs[n])) { first_err = -EFAULT; break; }
        if (int32_t e = msg_from_guest(p, gs[n].hdr, true, msgs[n])) { first_err = e; break; }
        h[n].msg_hdr = msgs[n].h;
    }
    if (n == 0) return vlen ? first_err : 0;
    int r = recvmmsg(static_cast<int>(fd), h.data(), n, static_cast<int>(flags & ~kMsgCmsgCompat), tsp);
    if (r < 0) return -errno;
    for (int k = 0; k < r; k++) {
        msgs[k].h = h[k].msg_hdr;
        gs[k].len = h[k].msg_len;
        uint32_t at = vec + static_cast<uint32_t>(k) * 32;
        if (msg_to_guest(p, at, gs[k].hdr, msgs[k]) != 0 || !p.mem.write(at + 28, &gs[k].len, 4)) return k ? k : -EFAULT;
    }
    // __sys_recvmmsg writes the time left back once something was received.
    if (tsp) {
        Ts g{static_cast<decltype(g.tv_sec)>(ts.tv_sec), static_cast<decltype(g.tv_nsec)>(ts.tv_nsec)};
        if (!copy_to_guest(p, timeout, g)) return -EFAULT;
    }
    return r;
}

// ---- entry points ----

int32_t sys_socket(Process& p, const SyscallArgs& a) { return do_socket(p, a[0], a[1], a[2]); }
int32_t sys_socketpair(Process& p, const SyscallArgs& a) { return do_socketpair(p, a[0], a[1], a[2], a[3]); }
int32_t sys_bind(Process& p, const SyscallArgs& a) { return do_bind(p, a[0], a[1], a[2]); }
int32_t sys_connect(Process& p, const SyscallArgs& a) { return do_connect(p, a[0], a[1], a[2]); }
int32_t sys_listen(Process& p, const SyscallArgs& a) { return do_listen(p, a[0], a[1]); }
int32_t sys_accept4(Process& p, const SyscallArgs& a) { return do_accept4(p, a[0], a[1], a[2], a[3]); }
int32_t sys_getsockopt(Process& p, const SyscallArgs& a) { return do_getsockopt(p, a[0], a[1], a[2], a[3], a[4]); }
int32_t sys_setsockopt(Process& p, const SyscallArgs& a) { return do_setsockopt(p, a[0], a[1], a[2], a[3], a[4]); }
int32_t sys_getsockname(Process& p, const SyscallArgs& a) { return do_getname(p, SYS_getsockname, a[0], a[1], a[2]); }
int32_t sys_getpeername(Process& p, const SyscallArgs& a) { return do_getname(p, SYS_getpeername, a[0], a[1], a[2]); }
int32_t sys_sendto(Process& p, const SyscallArgs& a) { return do_sendto(p, a[0], a[1], a[2], a[3], a[4], a[5]); }
int32_t sys_recvfrom(Process& p, const SyscallArgs& a) { return do_recvfrom(p, a[0], a[1], a[2], a[3], a[4], a[5]); }
int32_t sys_sendmsg(Process& p, const SyscallArgs& a) { return do_sendmsg(p, a[0], a[1], a[2]); }
int32_t sys_recvmsg(Process& p, const SyscallArgs& a) { return do_recvmsg(p, a[0], a[1], a[2]); }
int32_t sys_shutdown(Process& p, const SyscallArgs& a) { return do_shutdown(p, a[0], a[1]); }
int32_t sys_sendmmsg(Process& p, const SyscallArgs& a) { return do_sendmmsg(p, a[0], a[1], a[2], a[3]); }
int32_t sys_recvmmsg(Process& p, const SyscallArgs& a) { return do_recvmmsg<GuestTimespec32>(p, a[0], a[1], a[2], a[3], a[4]); }
int32_t sys_recvmmsg64(Process& p, const SyscallArgs& a) { return do_recvmmsg<GuestTimespec64>(p, a[0], a[1], a[2], a[3], a[4]); }

// socketcall(call, unsigned long *args): the multiplexer i386 had before the direct calls
// (net/compat.c compat_sys_socketcall): `call` selects, args points at that call's words.
int32_t sys_socketcall(Process& p, const SyscallArgs& a) {
    static constexpr uint8_t kNargs[21] = {0, 3, 3, 3, 2, 3, 3, 3, 4, 4, 4, 6, 6, 2, 5, 5, 3, 3, 4, 5, 4};
    uint32_t call = a[0];
    if (call < 1 || call > 20) return -EINVAL;
    uint32_t w[6] = {};
    if (!p.mem.read(a[1], w, kNargs[call] * 4u)) return -EFAULT;
    switch (call) {
    case 1: return do_socket(p, w[0], w[1], w[2]);
    case 2: return do_bind(p, w[0], w[1], w[2]);
    case 3: return do_connect(p, w[0], w[1], w[2]);
    case 4: return do_listen(p, w[0], w[1]);
    case 5: return do_accept4(p, w[0], w[1], w[2], 0);
    case 6: return do_getname(p, SYS_getsockname, w[0], w[1], w[2]);
    case 7: return do_getname(p, SYS_getpeername, w[0], w[1], w[2]);
    case 8: return do_socketpair(p, w[0], w[1], w[2], w[3]);
    case 9: return do_sendto(p, w[0], w[1], w[2], w[3], 0, 0);
    case 10: return do_recvfrom(p, w[0], w[1], w[2], w[3], 0, 0);
    case 11: return do_sendto(p, w[0], w[1], w[2], w[3], w[4], w[5]);
    case 12: return do_recvfrom(p, w[0], w[1], w[2], w[3], w[4], w[5]);
    case 13: return do_shutdown(p, w[0], w[1]);
    case 14: return do_setsockopt(p, w[0], w[1], w[2], w[3], w[4]);
    case 15: return do_getsockopt(p, w[0], w[1], w[2], w[3], w[4]);
    case 16: return do_sendmsg(p, w[0], w[1], w[2]);
    case 17: return do_recvmsg(p, w[0], w[1], w[2]);
    case 18: return do_accept4(p, w[0], w[1], w[2], w[3]);
    case 19: return do_recvmmsg<GuestTimespec32>(p, w[0], w[1], w[2], w[3], w[4]);
    default: return do_sendmmsg(p, w[0], w[1], w[2], w[3]);
    }
}

}  // namespace

void register_socket_syscalls() {
    register_syscall(102, sys_socketcall, "dp");
    register_syscall(359, sys_socket, "ddd");
    register_syscall(360, sys_socketpair, "dddp");
    register_syscall(361, sys_bind, "fpu");
    register_syscall(362, sys_connect, "fpu");
    register_syscall(363, sys_listen, "fd");
    register_syscall(364, sys_accept4, "fppx");
    register_syscall(365, sys_getsockopt, "fddpp");
    register_syscall(366, sys_setsockopt, "fddpu");
    register_syscall(367, sys_getsockname, "fpp");
    register_syscall(368, sys_getpeername, "fpp");
    register_syscall(369, sys_sendto, "fbuxpu");
    register_syscall(370, sys_sendmsg, "fpx");
    register_syscall(371, sys_recvfrom, "fpuxpp");
    register_syscall(372, sys_recvmsg, "fpx");
    register_syscall(373, sys_shutdown, "fd");
    register_syscall(337, sys_recvmmsg, "fpuxp");
    register_syscall(345, sys_sendmmsg, "fpux");
    register_syscall(417, sys_recvmmsg64, "fpuxp");
}

}  // namespace gate386
