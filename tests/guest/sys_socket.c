/* Sockets: socketpair, AF_UNIX stream and datagram sockets (abstract names), AF_INET loopback TCP
 * and UDP, sendmsg/recvmsg with SCM_RIGHTS and SCM_CREDENTIALS (i386 cmsghdr: 12-byte header,
 * 4-byte alignment) including truncated control buffers, SO_TIMESTAMP's 32-bit timeval,
 * sendmmsg/recvmmsg, SO_RCVTIMEO with a 32-bit timeval, socket options, and the socketcall(102)
 * multiplexer called directly. Ports, pids and times are printed only as properties.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/net.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include "guest_util.h"

static void show_msg(const char *label, ssize_t r, const struct msghdr *m)
{
    printf("%s: ret=%ld %s controllen=%u flags=%#x\n", label, (long)r, r < 0 ? errname(errno) : "OK",
           (unsigned)m->msg_controllen, (unsigned)m->msg_flags);
    for (struct cmsghdr *c = CMSG_FIRSTHDR((struct msghdr *)m); c; c = CMSG_NXTHDR((struct msghdr *)m, c)) {
        printf("  cmsg len=%u level=%d type=%d", (unsigned)c->cmsg_len, c->cmsg_level, c->cmsg_type);
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            int n = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
            printf(" fds=%d", n);
        }
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
            struct ucred u;
            memcpy(&u, CMSG_DATA(c), sizeof u);
            printf(" pid-is-mine=%d uid=%u", u.pid == getpid(), (unsigned)u.uid);
        }
        printf("\n");
    }
}

static void unix_stream(void)
{
    printf("== socketpair stream\n");
    int sv[2];
    SHOW("socketpair", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    SHOW("write", write(sv[0], "hello", 5));
    char buf[64] = {0};
    SHOW("recv PEEK", recv(sv[1], buf, sizeof buf, MSG_PEEK));
    SHOW("recv 3", recv(sv[1], buf, 3, 0));
    printf("  got %.3s\n", buf);
    SHOW("read rest", read(sv[1], buf, sizeof buf));
    SHOW("recv DONTWAIT empty", recv(sv[1], buf, sizeof buf, MSG_DONTWAIT));
    int type = -1;
    socklen_t len = sizeof type;
    SHOW("getsockopt SO_TYPE", getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &type, &len));
    printf("  type=%d len=%u\n", type, (unsigned)len);
    struct ucred cred;
    len = sizeof cred;
    SHOW("getsockopt SO_PEERCRED", getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cred, &len));
    printf("  pid-is-mine=%d uid=%u len=%u\n", cred.pid == getpid(), (unsigned)cred.uid, (unsigned)len);
    SHOW("shutdown WR", shutdown(sv[0], SHUT_WR));
    SHOW("recv after peer shutdown", recv(sv[1], buf, sizeof buf, 0));
    SHOW("send after own shutdown", send(sv[0], "x", 1, MSG_NOSIGNAL));
    SHOW("getsockopt bad len ptr", getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &type, bad_ptr(8)));
    SHOW("send on a pipe", ({ int p[2]; pipe(p); long r = send(p[1], "x", 1, 0); int e = errno; close(p[0]); close(p[1]); errno = e; r; }));
    close(sv[0]);
    close(sv[1]);
}

static void scm_rights(void)
{
    printf("== SCM_RIGHTS\n");
    int sv[2], pfd[2];
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    pipe(pfd);
    write(pfd[1], "through a passed fd", 19);
    int fds[3] = {pfd[0], pfd[1], 1};
    char data = 'D';
    struct iovec iov = {&data, 1};
    union { char buf[CMSG_SPACE(3 * sizeof(int))]; struct cmsghdr align; } ctl;
    struct msghdr m = {0};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = ctl.buf;
    m.msg_controllen = sizeof ctl.buf;
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(3 * sizeof(int));
    memcpy(CMSG_DATA(c), fds, sizeof fds);
    printf("  CMSG_LEN(12)=%u CMSG_SPACE(12)=%u\n", (unsigned)CMSG_LEN(12), (unsigned)CMSG_SPACE(12));
    for (int round = 0; round < 4; round++)
        SHOW("sendmsg 3 fds", sendmsg(sv[0], &m, 0));

    char rbuf[CMSG_SPACE(8 * sizeof(int))];
    struct msghdr r = {0};
    char got = 0;
    struct iovec riov = {&got, 1};
    r.msg_iov = &riov;
    r.msg_iovlen = 1;
    r.msg_control = rbuf;
    r.msg_controllen = sizeof rbuf;
    ssize_t n = recvmsg(sv[1], &r, 0);
    show_msg("recvmsg roomy", n, &r);
    c = CMSG_FIRSTHDR(&r);
    if (c) {
        int in[3];
        memcpy(in, CMSG_DATA(c), sizeof in);
        char buf[32] = {0};
        printf("  new fds distinct=%d\n", in[0] != pfd[0] && in[1] != pfd[1] && in[2] != 1);
        SHOW("read via passed fd", read(in[0], buf, sizeof buf));
        printf("  got '%s'\n", buf);
        close(in[0]);
        close(in[1]);
        close(in[2]);
    }
    // Room for one descriptor only: the others are dropped, MSG_CTRUNC.
    r.msg_controllen = CMSG_SPACE(sizeof(int));
    n = recvmsg(sv[1], &r, 0);
    show_msg("recvmsg room for 1", n, &r);
    if ((c = CMSG_FIRSTHDR(&r))) close(*(int *)CMSG_DATA(c));
    // Room for a header only.
    r.msg_controllen = CMSG_LEN(0);
    n = recvmsg(sv[1], &r, 0);
    show_msg("recvmsg room for the header", n, &r);
    // No control buffer at all.
    r.msg_control = NULL;
    r.msg_controllen = 0;
    n = recvmsg(sv[1], &r, MSG_CMSG_CLOEXEC);
    show_msg("recvmsg without control", n, &r);
    int fdcount = 0;
    for (int fd = 0; fd < 64; fd++) fdcount += fcntl(fd, F_GETFD) >= 0;
    printf("  open fds now: %d\n", fdcount);

    // Malformed control messages.
    c = CMSG_FIRSTHDR(&m);
    c->cmsg_len = 4;
    SHOW("sendmsg cmsg_len 4", sendmsg(sv[0], &m, 0));
    c->cmsg_len = CMSG_LEN(3 * sizeof(int)) + 64;
    SHOW("sendmsg cmsg_len past the buffer", sendmsg(sv[0], &m, 0));
    c->cmsg_len = CMSG_LEN(3 * sizeof(int));
    m.msg_controllen = 5;
    SHOW("sendmsg controllen 5", sendmsg(sv[0], &m, 0));
    m.msg_controllen = sizeof ctl.buf;
    m.msg_control = bad_ptr(16);
    SHOW("sendmsg bad control", sendmsg(sv[0], &m, 0));
    m.msg_control = ctl.buf;
    m.msg_iov = bad_ptr(16);
    SHOW("sendmsg bad iov", sendmsg(sv[0], &m, 0));
    SHOW("sendmsg bad msghdr", sendmsg(sv[0], bad_ptr(16), 0));
    m.msg_iov = &iov;
    m.msg_iovlen = 2000;
    SHOW("sendmsg iovlen 2000", sendmsg(sv[0], &m, 0));
    close(sv[0]);
    close(sv[1]);
    close(pfd[0]);
    close(pfd[1]);
}

static void scm_credentials(void)
{
    printf("== SCM_CREDENTIALS + SCM_RIGHTS in one message\n");
    int sv[2], one = 1;
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    SHOW("SO_PASSCRED", setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof one));
    union { char buf[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } ctl;
    memset(&ctl, 0, sizeof ctl);
    struct iovec iov = {"xy", 2};
    struct msghdr m = {0};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = ctl.buf;
    m.msg_controllen = sizeof ctl.buf;
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    struct ucred u = {getpid(), getuid(), getgid()};
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_CREDENTIALS;
    c->cmsg_len = CMSG_LEN(sizeof u);
    memcpy(CMSG_DATA(c), &u, sizeof u);
    c = CMSG_NXTHDR(&m, c);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    int zero = 0;
    memcpy(CMSG_DATA(c), &zero, sizeof zero);
    SHOW("sendmsg creds+fd", sendmsg(sv[0], &m, 0));
    char rbuf[256], d[8];
    struct iovec riov = {d, sizeof d};
    struct msghdr r = {0};
    r.msg_iov = &riov;
    r.msg_iovlen = 1;
    r.msg_control = rbuf;
    r.msg_controllen = sizeof rbuf;
    ssize_t n = recvmsg(sv[1], &r, 0);
    show_msg("recvmsg", n, &r);
    for (c = CMSG_FIRSTHDR(&r); c; c = CMSG_NXTHDR(&r, c))
        if (c->cmsg_type == SCM_RIGHTS) close(*(int *)CMSG_DATA(c));
    close(sv[0]);
    close(sv[1]);
}

static void unix_named(void)
{
    printf("== AF_UNIX abstract names\n");
    struct sockaddr_un a = {0}, b;
    a.sun_family = AF_UNIX;
    int n = snprintf(a.sun_path + 1, sizeof a.sun_path - 1, "gate386-test-%d", getpid());
    socklen_t alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    SHOW("bind", bind(s, (struct sockaddr *)&a, alen));
    SHOW("bind again", bind(s, (struct sockaddr *)&a, alen));
    SHOW("listen", listen(s, 4));
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    SHOW("connect", connect(c, (struct sockaddr *)&a, alen));
    socklen_t blen = sizeof b;
    int acc = accept4(s, (struct sockaddr *)&b, &blen, SOCK_NONBLOCK);
    printf("accept4: %s peer-addrlen=%u nonblock=%d\n", acc >= 0 ? "ok" : errname(errno), (unsigned)blen,
           acc >= 0 && (fcntl(acc, F_GETFL) & O_NONBLOCK) != 0);
    blen = sizeof b;
    SHOW("getsockname", getsockname(s, (struct sockaddr *)&b, &blen));
    printf("  len-matches=%d same=%d\n", blen == alen, memcmp(&a, &b, alen) == 0);
    blen = 3;
    SHOW("getpeername short buffer", getpeername(c, (struct sockaddr *)&b, &blen));
    printf("  reported len-matches=%d\n", blen == alen);
    SHOW("bind too long", bind(c, (struct sockaddr *)&a, 200));
    SHOW("connect bad address", connect(c, bad_ptr(16), alen));
    SHOW("connect on a file fd", connect(0, (struct sockaddr *)&a, alen));
    SHOW("accept4 bad flags", accept4(s, NULL, NULL, 0x1234));
    close(acc);
    close(c);
    close(s);
}

static void inet_tcp(void)
{
    printf("== AF_INET TCP loopback\n");
    int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    SHOW("SO_REUSEADDR", setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    SHOW("bind port 0", bind(s, (struct sockaddr *)&a, sizeof a));
    socklen_t len = sizeof a;
    SHOW("getsockname", getsockname(s, (struct sockaddr *)&a, &len));
    printf("  family=%d port-set=%d addr=%s len=%u\n", a.sin_family, a.sin_port != 0, inet_ntoa(a.sin_addr),
           (unsigned)len);
    SHOW("listen", listen(s, 8));
    int c = socket(AF_INET, SOCK_STREAM, 0);
    SHOW("connect", connect(c, (struct sockaddr *)&a, sizeof a));
    struct sockaddr_in p;
    len = sizeof p;
    int acc = accept(s, (struct sockaddr *)&p, &len);
    printf("accept: %s peer=%s len=%u\n", acc >= 0 ? "ok" : errname(errno), inet_ntoa(p.sin_addr), (unsigned)len);
    SHOW("TCP_NODELAY", setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one));
    int v = 0;
    len = sizeof v;
    SHOW("get TCP_NODELAY", getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v, &len));
    printf("  nodelay=%d\n", v != 0);
    char big[100000];
    for (size_t i = 0; i < sizeof big; i++) big[i] = (char)(i * 7);
    SHOW("send 100000", send(c, big, sizeof big, MSG_NOSIGNAL));
    SHOW("shutdown WR", shutdown(c, SHUT_WR));
    char in[100000];
    size_t got = 0;
    for (;;) {
        ssize_t n = recv(acc, in + got, sizeof in - got, 0);
        if (n <= 0) break;
        got += (size_t)n;
    }
    printf("  received %u bytes, same=%d\n", (unsigned)got, got == sizeof big && memcmp(in, big, got) == 0);
    SHOW("send back", send(acc, "bye", 3, 0));
    SHOW("shutdown WR back", shutdown(acc, SHUT_WR));
    char b[8] = {0};
    SHOW("recv", recv(c, b, sizeof b, MSG_WAITALL));
    printf("  got '%s'\n", b);
    len = sizeof v;
    SHOW("SO_ERROR", getsockopt(c, SOL_SOCKET, SO_ERROR, &v, &len));
    printf("  error=%d\n", v);
    struct linger lg = {1, 0};
    SHOW("SO_LINGER", setsockopt(acc, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
    close(acc);
    close(c);
    // A refused connection: the listening socket is gone.
    close(s);
    c = socket(AF_INET, SOCK_STREAM, 0);
    SHOW("connect to a closed port", connect(c, (struct sockaddr *)&a, sizeof a));
    close(c);
}

static void inet_udp(void)
{
    printf("== AF_INET UDP, SO_TIMESTAMP, sendmmsg/recvmmsg, SO_RCVTIMEO\n");
    int r = socket(AF_INET, SOCK_DGRAM, 0), s = socket(AF_INET, SOCK_DGRAM, 0), one = 1;
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(r, (struct sockaddr *)&a, sizeof a);
    socklen_t len = sizeof a;
    getsockname(r, (struct sockaddr *)&a, &len);
    SHOW("sendto", sendto(s, "datagram-1", 10, 0, (struct sockaddr *)&a, sizeof a));
    char buf[64] = {0};
    struct sockaddr_in from;
    len = sizeof from;
    SHOW("recvfrom", recvfrom(r, buf, sizeof buf, 0, (struct sockaddr *)&from, &len));
    printf("  '%s' from %s len=%u\n", buf, inet_ntoa(from.sin_addr), (unsigned)len);
    SHOW("sendto long", sendto(s, "0123456789abcdef", 16, 0, (struct sockaddr *)&a, sizeof a));
    SHOW("recv 4 with MSG_TRUNC", recv(r, buf, 4, MSG_TRUNC));

    SHOW("SO_TIMESTAMP", setsockopt(r, SOL_SOCKET, SO_TIMESTAMP, &one, sizeof one));
    SHOW("sendto", sendto(s, "stamped", 7, 0, (struct sockaddr *)&a, sizeof a));
    char ctl[64];
    struct iovec iov = {buf, sizeof buf};
    struct msghdr m = {0};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = ctl;
    m.msg_controllen = sizeof ctl;
    ssize_t n = recvmsg(r, &m, 0);
    show_msg("recvmsg timestamped", n, &m);
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    if (c) {
        struct timeval tv, now;
        memcpy(&tv, CMSG_DATA(c), sizeof tv);
        gettimeofday(&now, NULL);
        printf("  stamp plausible=%d\n", tv.tv_sec > 1000000000 && tv.tv_sec <= now.tv_sec && tv.tv_usec < 1000000);
    }
    m.msg_controllen = CMSG_LEN(4);
    sendto(s, "stamped", 7, 0, (struct sockaddr *)&a, sizeof a);
    n = recvmsg(r, &m, 0);
    show_msg("recvmsg timestamp cut", n, &m);
    one = 0;
    setsockopt(r, SOL_SOCKET, SO_TIMESTAMP, &one, sizeof one);

    struct mmsghdr out[3], in[4];
    struct iovec oi[3], ii[4];
    char ib[4][16];
    const char *words[3] = {"first", "second!", "third..."};
    memset(out, 0, sizeof out);
    memset(in, 0, sizeof in);
    for (int i = 0; i < 3; i++) {
        oi[i].iov_base = (void *)words[i];
        oi[i].iov_len = strlen(words[i]);
        out[i].msg_hdr.msg_iov = &oi[i];
        out[i].msg_hdr.msg_iovlen = 1;
        out[i].msg_hdr.msg_name = &a;
        out[i].msg_hdr.msg_namelen = sizeof a;
    }
    for (int i = 0; i < 4; i++) {
        memset(ib[i], 0, sizeof ib[i]);
        ii[i].iov_base = ib[i];
        ii[i].iov_len = sizeof ib[i];
        in[i].msg_hdr.msg_iov = &ii[i];
        in[i].msg_hdr.msg_iovlen = 1;
    }
    SHOW("sendmmsg 3", sendmmsg(s, out, 3, 0));
    printf("  lens %u %u %u\n", out[0].msg_len, out[1].msg_len, out[2].msg_len);
    struct timespec to = {1, 0};
    SHOW("recvmmsg 4 (3 waiting)", recvmmsg(r, in, 4, MSG_DONTWAIT, &to));
    for (int i = 0; i < 3; i++) printf("  [%d] %u '%s'\n", i, in[i].msg_len, ib[i]);
    SHOW("recvmmsg nothing waiting", recvmmsg(r, in, 4, MSG_DONTWAIT, NULL));

    struct timeval tv = {0, 200000}, back = {9, 9};
    SHOW("SO_RCVTIMEO 0.2s", setsockopt(r, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
    len = sizeof back;
    SHOW("get SO_RCVTIMEO", getsockopt(r, SOL_SOCKET, SO_RCVTIMEO, &back, &len));
    printf("  %ld.%06ld len=%u\n", (long)back.tv_sec, (long)back.tv_usec, (unsigned)len);
    struct timeval t0, t1;
    gettimeofday(&t0, NULL);
    SHOW("recv times out", recv(r, buf, sizeof buf, 0));
    gettimeofday(&t1, NULL);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_usec - t0.tv_usec) / 1000;
    printf("  waited about 0.2s: %d\n", ms >= 150 && ms < 2000);
    SHOW("SO_RCVTIMEO short", setsockopt(r, SOL_SOCKET, SO_RCVTIMEO, &tv, 4));
    tv.tv_usec = 2000000;
    SHOW("SO_RCVTIMEO bad usec", setsockopt(r, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
    SHOW("SO_SNDTIMEO bad pointer", setsockopt(r, SOL_SOCKET, SO_SNDTIMEO, bad_ptr(16), sizeof tv));
    close(r);
    close(s);
}

static void socketcall_direct(void)
{
    printf("== socketcall(102)\n");
    unsigned long args[6] = {AF_UNIX, SOCK_STREAM, 0, 0, 0, 0};
    int sv[2];
    unsigned long pa[4] = {AF_UNIX, SOCK_STREAM, 0, (unsigned long)sv};
    SHOW("SYS_SOCKETPAIR", syscall(SYS_socketcall, SYS_SOCKETPAIR, pa));
    unsigned long sa[4] = {(unsigned long)sv[0], (unsigned long)"via socketcall", 14, 0};
    SHOW("SYS_SEND", syscall(SYS_socketcall, SYS_SEND, sa));
    char buf[32] = {0};
    unsigned long ra[4] = {(unsigned long)sv[1], (unsigned long)buf, sizeof buf, 0};
    SHOW("SYS_RECV", syscall(SYS_socketcall, SYS_RECV, ra));
    printf("  got '%s'\n", buf);
    long s = syscall(SYS_socketcall, SYS_SOCKET, args);
    printf("SYS_SOCKET: %s\n", s >= 0 ? "ok" : errname(errno));
    unsigned long sh[2] = {(unsigned long)sv[0], SHUT_RDWR};
    SHOW("SYS_SHUTDOWN", syscall(SYS_socketcall, SYS_SHUTDOWN, sh));
    SHOW("call 0", syscall(SYS_socketcall, 0, args));
    SHOW("call 21", syscall(SYS_socketcall, 21, args));
    SHOW("bad args pointer", syscall(SYS_socketcall, SYS_SOCKET, bad_ptr(16)));
    SHOW("direct socket(359) bad family", syscall(359, 12345, SOCK_STREAM, 0));
    close((int)s);
    close(sv[0]);
    close(sv[1]);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    unix_stream();
    scm_rights();
    scm_credentials();
    unix_named();
    inet_tcp();
    inet_udp();
    socketcall_direct();
    return 0;
}
