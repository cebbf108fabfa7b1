// CPU models as data: one TOML file per model (cpu/models/*.toml, format in cpu/models/README.md),
// compiled into the binary at configure time; `--cpu-file FILE` loads a user's own. A model is
// the CPU's identity (CPUID, SEP, ISA) plus its cost table, every number with a source.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "cpu/cpu_model.h"

namespace gate386 {

// Modelled cycles are kept in milli-cycles so that fractional per-instruction costs add up.
constexpr uint64_t kMilliPerCycle = 1000;

// One number of a cost table: its value and where it comes from.
struct CostEntry {
    double cycles = 0;
    char cls = 'E';            // M measured, D derived by arithmetic from M rows, E estimate
    std::string source;        // expanded from the model's [sources] when it names a key
    std::string source_key;    // that key ("" when the source was given as text)
    std::string note;
    bool present = false;

    uint64_t mcycles() const { return static_cast<uint64_t>(cycles * kMilliPerCycle + 0.5); }
};

// Kernel work of a group of system calls, on top of the common path.
struct WorkClass {
    std::string name;                    // "default" prices every call not listed elsewhere
    CostEntry cost;
    CostEntry per_byte;                  // extra cycles per byte the call returns (read/write)
    std::vector<std::string> syscalls;   // by the i386 table's names
};

struct CpuCosts {
    CostEntry int80_entry, int80_exit, sysenter_entry, sysenter_exit, kernel_common;
    std::vector<WorkClass> work;         // work[0] is "default"
    std::array<CostEntry, kInsnClassCount> insn;
};

struct CpuModel {
    std::string name;
    std::string description;
    std::string origin;                  // "built-in" or the file it was loaded from
    uint32_t mhz = 0;
    CostEntry clock;                     // mhz with its source
    CpuIdentity identity;
    CpuCosts costs;
    std::vector<std::pair<std::string, std::string>> sources;   // [sources], in file order
};

// Parses one model file. Returns false with a one-line reason in `err`.
bool parse_cpu_model(const std::string& text, const std::string& origin, CpuModel& out, std::string& err);

// The built-in models, sorted by name; loading them cannot fail (a unit test parses every file).
const std::vector<CpuModel>& builtin_cpu_models();
const CpuModel* find_cpu_model(const std::string& name);
const CpuModel& default_cpu_model();      // pentium4
std::string known_cpu_model_names();      // "athlon, pentium3, pentium4, pentiumpro"

// Resolves `--cpu MODEL[,mhz=N]` (and `--cpu-file FILE` when given, which replaces MODEL).
bool select_cpu_model(const std::string& spec, const std::string& file, CpuModel& out, std::string& err);

// The generated table of embedded model files (cpu/models/embed.cmake).
struct EmbeddedModelFile {
    const char* name;
    const char* text;
};
extern const EmbeddedModelFile kEmbeddedModelFiles[];
extern const unsigned kEmbeddedModelFileCount;

}  // namespace gate386
