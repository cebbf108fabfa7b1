// `gate386 demo`: the article "What is linux-gate.so.1?" run live, on bundled i386 programs inside
// gate386. Each step prints the command, its output, and what the output shows.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>
#include <vector>

#include "core/options.h"
#include "frontend/subcommands.h"

namespace gate386 {

namespace {

struct Step {
    std::string shown;     // the command as the article writes it
    std::string run;       // what actually runs (gate386 spelled out)
    std::string meaning;   // one or two sentences on what the output shows
};

bool run_step(const Step& s, const std::string& dir) {
    std::printf("\n$ %s\n", s.shown.c_str());
    std::fflush(stdout);
    std::string cmd = "cd '" + dir + "' && ( " + s.run + " ) 2>&1";
    FILE* f = popen(cmd.c_str(), "r");
    if (!f) return false;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) fwrite(buf, 1, n, stdout);
    int status = pclose(f);
    std::printf("  -- %s\n", s.meaning.c_str());
    return status == 0;
}

}  // namespace

int run_demo_command(int, char**, const Options& opts) {
    std::string self = opts.self_path;
    std::string bb = GATE386_BUSYBOX;
    std::string demo = GATE386_DEMO_DIR;
    if (access(bb.c_str(), X_OK) != 0 || access((demo + "/true").c_str(), X_OK) != 0) {
        std::fprintf(stderr, "gate386: demo: the bundled i386 programs are missing (run scripts/setup.sh)\n");
        return 1;
    }
    char tmpl[] = "/tmp/gate386-demo-XXXXXX";
    if (!mkdtemp(tmpl)) { std::perror("gate386: demo"); return 1; }
    std::string dir = tmpl;
    std::string g = "'" + self + "'";
    std::printf("gate386 demo: \"What is linux-gate.so.1?\" (Johan Petersson, 2005), run inside gate386.\n"
                "Every program below is an unmodified i386 binary executed by gate386 (CPU model: %s).\n",
                opts.cpu.c_str());
    std::vector<Step> steps = {
        {"cat /proc/self/maps", g + " '" + bb + "' cat /proc/self/maps",
         "busybox cat prints its own memory map: the [vdso] line is linux-gate.so.1, one page at ffffe000, "
         "mapped by the kernel (here: by gate386) into every process; the last page stays unmapped."},
        {"dd if=/proc/self/mem of=linux-gate.dso bs=4096 skip=1048574 count=1",
         g + " '" + bb + "' dd if=/proc/self/mem of=linux-gate.dso bs=4096 skip=1048574 count=1",
         "2^20 pages make 4 GiB; skipping 1048574 of them reads the next-to-last page, the vDSO, out of the "
         "process's own memory."},
        {"file -b linux-gate.dso", "file -b linux-gate.dso",
         "The page is a complete ELF shared object, though no such file exists on disk."},
        {"objdump -T linux-gate.dso", "objdump -T linux-gate.dso",
         "Its dynamic symbols: the gate __kernel_vsyscall and the sigreturn stubs (LINUX_2.5), plus the "
         "modern __vdso_* time functions (LINUX_2.6)."},
        {"objdump -d --start-address=0xffffe400 --stop-address=0xffffe414 linux-gate.dso",
         "objdump -d --start-address=0xffffe400 --stop-address=0xffffe414 linux-gate.dso | sed -n '/^Disassembly/,$p'",
         "This CPU model has SEP, so __kernel_vsyscall enters the kernel with sysenter; the jmp at +0xe is "
         "where a restarted system call resumes (eip - 2 from SYSENTER_RETURN at ffffe410)."},
        {"LD_SHOW_AUXV=1 ./true", g + " -E LD_SHOW_AUXV=1 '" + demo + "/true'",
         "The auxiliary vector passes AT_SYSINFO (the entry, ffffe400) and AT_SYSINFO_EHDR (the ELF header, "
         "ffffe000); glibc calls system calls through AT_SYSINFO."},
        {"ldd ./true   (the loader's --list)", g + " /lib/ld-linux.so.2 --list '" + demo + "/true'",
         "ldd lists linux-gate.so.1 at 0xffffe000 with no file name: the loader found it in memory, not on disk."},
        {"./article_dump && readelf --symbols kernel-gate.so | grep kernel",
         g + " '" + demo + "/article_dump' && readelf --symbols kernel-gate.so | grep -E 'kernel|vdso'",
         "The article's C program finds the page through its own ELF header and writes it out; readelf sees "
         "the versioned symbols."},
        {"gate386 --cpu pentiumpro: objdump -d of the page",
         g + " --cpu pentiumpro '" + bb + "' dd if=/proc/self/mem of=old.dso bs=4096 skip=1048574 count=1 "
             "2>/dev/null && objdump -d --start-address=0xffffe400 --stop-address=0xffffe403 old.dso | sed -n '/^Disassembly/,$p'",
         "A Pentium Pro reports SEP but its SYSENTER does not work, so the kernel maps the int $0x80 page: "
         "__kernel_vsyscall is just int $0x80; ret."},
    };
    int failed = 0;
    for (const Step& s : steps) failed += !run_step(s, dir);
    std::string cleanup = "rm -rf '" + dir + "'";
    if (std::system(cleanup.c_str()) != 0) { /* leftover temporary files are harmless */ }
    std::printf("\n%d of %zu steps ran cleanly.\n", int(steps.size()) - failed, steps.size());
    return failed ? 1 : 0;
}

}  // namespace gate386
