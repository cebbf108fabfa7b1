// The CPU model loader and the registry of built-in models (cpu/models/README.md is the format).
// This is the only file that includes toml++.
#include "cpu/cpu_models.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <map>
#include <set>
#include <sstream>
#include <toml++/toml.h>

namespace gate386 {

namespace {

struct ParseError {
    std::string msg;
};

[[noreturn]] void fail(const std::string& msg) { throw ParseError{msg}; }

void check_keys(const toml::table& t, const std::string& where, std::initializer_list<const char*> allowed) {
    std::set<std::string> ok(allowed.begin(), allowed.end());
    for (auto&& [k, v] : t) {
        (void)v;
        if (!ok.count(std::string(k.str()))) fail("unknown key '" + std::string(k.str()) + "' in " + where);
    }
}

const toml::table& need_table(const toml::table& t, const char* key, const std::string& where) {
    const toml::table* sub = t[key].as_table();
    if (!sub) fail("missing table [" + std::string(key) + "] in " + where);
    return *sub;
}

std::string need_string(const toml::table& t, const char* key, const std::string& where) {
    auto v = t[key].value<std::string>();
    if (!v) fail("missing string '" + std::string(key) + "' in " + where);
    return *v;
}

int64_t need_int(const toml::table& t, const char* key, const std::string& where) {
    auto v = t[key].value<int64_t>();
    if (!v) fail("missing integer '" + std::string(key) + "' in " + where);
    return *v;
}

uint32_t need_u32(const toml::table& t, const char* key, const std::string& where) {
    int64_t v = need_int(t, key, where);
    if (v < 0 || v > 0xffffffffll) fail("'" + std::string(key) + "' in " + where + " does not fit 32 bits");
    return static_cast<uint32_t>(v);
}

bool need_bool(const toml::table& t, const char* key, const std::string& where) {
    auto v = t[key].value<bool>();
    if (!v) fail("missing boolean '" + std::string(key) + "' in " + where);
    return *v;
}

using Sources = std::map<std::string, std::string>;

std::string expand_source(const Sources& sources, const std::string& s) {
    auto it = sources.find(s);
    return it == sources.end() ? s : it->second;
}

char need_class(const std::string& c, const std::string& where) {
    if (c != "M" && c != "D" && c != "E") fail("class of " + where + " must be \"M\", \"D\" or \"E\", not \"" + c + "\"");
    return c[0];
}

// A cost given inline: { cycles = N, class = "E", source = "...", note = "..." }.
CostEntry parse_cost(const toml::table& t, const std::string& where, const Sources& sources, bool strict = true) {
    if (strict) check_keys(t, where, {"cycles", "class", "source", "note"});
    CostEntry e;
    auto cyc = t["cycles"].value<double>();
    if (!cyc || *cyc < 0) fail("missing or negative 'cycles' in " + where);
    e.cycles = *cyc;
    e.cls = need_class(need_string(t, "class", where), where);
    std::string key = need_string(t, "source", where);
    e.source = expand_source(sources, key);
    if (sources.count(key)) e.source_key = key;
    e.note = t["note"].value<std::string>().value_or("");
    e.present = true;
    return e;
}

CostEntry need_cost(const toml::table& t, const char* key, const std::string& where, const Sources& sources) {
    const toml::table* sub = t[key].as_table();
    if (!sub) fail("missing cost '" + std::string(key) + "' in " + where);
    return parse_cost(*sub, where + "." + key, sources);
}

struct IsaName {
    const char* key;
    uint32_t bit;
};
constexpr IsaName kIsaNames[] = {
    {"x87", kIsaX87}, {"cmov", kIsaCmov}, {"cx8", kIsaCx8}, {"tsc", kIsaTsc}, {"sep", kIsaSep},
    {"mmx", kIsaMmx}, {"fxsr", kIsaFxsr}, {"sse", kIsaSse}, {"sse2", kIsaSse2},
    {"clflush", kIsaClflush}, {"mmxext", kIsaMmxExt}, {"amd3dnow", kIsa3dnow},
};

void parse_model(const toml::table& root, CpuModel& m) {
    const std::string top = "the model";
    check_keys(root, top, {"name", "description", "mhz", "mhz_source", "sep_works", "sources", "cpuid",
                           "isa", "gate", "work", "insn"});
    Sources sources;
    if (const toml::table* st = root["sources"].as_table()) {
        for (auto&& [k, v] : *st) {
            auto s = v.value<std::string>();
            if (!s) fail("[sources]." + std::string(k.str()) + " must be a string");
            sources[std::string(k.str())] = *s;
            m.sources.emplace_back(std::string(k.str()), *s);
        }
    }
    m.name = need_string(root, "name", top);
    if (m.name.empty() || m.name.find_first_of(", =") != std::string::npos)
        fail("model name '" + m.name + "' must be non-empty without ',', ' ' or '='");
    m.description = need_string(root, "description", top);
    int64_t mhz = need_int(root, "mhz", top);
    if (mhz <= 0 || mhz > 100000) fail("mhz must be between 1 and 100000");
    m.mhz = static_cast<uint32_t>(mhz);
    m.clock.cycles = static_cast<double>(mhz);
    m.clock.cls = 'M';
    std::string clock_key = need_string(root, "mhz_source", top);
    m.clock.source = expand_source(sources, clock_key);
    if (sources.count(clock_key)) m.clock.source_key = clock_key;
    m.clock.present = true;

    CpuIdentity& id = m.identity;
    id = CpuIdentity{};
    id.name = m.name;
    id.mhz = m.mhz;
    id.sep_works = need_bool(root, "sep_works", top);

    const toml::table& cp = need_table(root, "cpuid", top);
    check_keys(cp, "[cpuid]", {"source", "vendor", "max_leaf", "max_ext_leaf", "brand", "leaf1", "leaves"});
    need_string(cp, "source", "[cpuid]");
    id.vendor = need_string(cp, "vendor", "[cpuid]");
    if (id.vendor.size() != 12) fail("[cpuid].vendor must be 12 characters");
    id.max_leaf = need_u32(cp, "max_leaf", "[cpuid]");
    id.max_ext_leaf = need_u32(cp, "max_ext_leaf", "[cpuid]");
    id.brand = need_string(cp, "brand", "[cpuid]");
    if (id.brand.size() > 47) fail("[cpuid].brand is longer than 47 characters");
    if (!id.brand.empty() && id.max_ext_leaf < 0x80000004u) fail("[cpuid].brand needs max_ext_leaf >= 0x80000004");
    const toml::table& l1 = need_table(cp, "leaf1", "[cpuid]");
    check_keys(l1, "[cpuid].leaf1", {"eax", "ebx", "ecx", "edx"});
    id.leaf1_eax = need_u32(l1, "eax", "[cpuid].leaf1");
    id.leaf1_ebx = need_u32(l1, "ebx", "[cpuid].leaf1");
    id.leaf1_ecx = need_u32(l1, "ecx", "[cpuid].leaf1");
    id.leaf1_edx = need_u32(l1, "edx", "[cpuid].leaf1");
    id.leaves.clear();
    if (const toml::array* arr = cp["leaves"].as_array()) {
        for (auto&& el : *arr) {
            const toml::table* lt = el.as_table();
            if (!lt) fail("[cpuid].leaves holds tables { leaf, eax, ebx, ecx, edx }");
            check_keys(*lt, "[cpuid].leaves", {"leaf", "eax", "ebx", "ecx", "edx"});
            CpuidLeaf l;
            l.leaf = need_u32(*lt, "leaf", "[cpuid].leaves");
            l.eax = need_u32(*lt, "eax", "[cpuid].leaves");
            l.ebx = need_u32(*lt, "ebx", "[cpuid].leaves");
            l.ecx = need_u32(*lt, "ecx", "[cpuid].leaves");
            l.edx = need_u32(*lt, "edx", "[cpuid].leaves");
            id.leaves.push_back(l);
        }
    }

    const toml::table& isa = need_table(root, "isa", top);
    std::vector<const char*> isa_keys;
    for (const IsaName& n : kIsaNames) isa_keys.push_back(n.key);
    for (auto&& [k, v] : isa) {
        (void)v;
        bool known = false;
        for (const IsaName& n : kIsaNames) known |= k.str() == n.key;
        if (!known) fail("unknown ISA feature '" + std::string(k.str()) + "' in [isa]");
    }
    id.isa = 0;
    for (const IsaName& n : kIsaNames)
        if (need_bool(isa, n.key, "[isa]")) id.isa |= n.bit;
    if (((id.isa & kIsaSep) != 0) != id.sep_works) fail("[isa].sep must equal sep_works");

    CpuCosts& c = m.costs;
    const toml::table& gate = need_table(root, "gate", top);
    check_keys(gate, "[gate]", {"int80_entry", "int80_exit", "sysenter_entry", "sysenter_exit", "kernel_common"});
    c.int80_entry = need_cost(gate, "int80_entry", "[gate]", sources);
    c.int80_exit = need_cost(gate, "int80_exit", "[gate]", sources);
    c.kernel_common = need_cost(gate, "kernel_common", "[gate]", sources);
    if (id.sep_works) {
        c.sysenter_entry = need_cost(gate, "sysenter_entry", "[gate]", sources);
        c.sysenter_exit = need_cost(gate, "sysenter_exit", "[gate]", sources);
    } else if (gate["sysenter_entry"] || gate["sysenter_exit"]) {
        fail("[gate] prices sysenter on a model where it raises #UD (sep_works = false)");
    }

    const toml::array* work = root["work"].as_array();
    if (!work) fail("missing [[work]] classes");
    c.work.clear();
    std::set<std::string> listed;
    for (auto&& el : *work) {
        const toml::table* wt = el.as_table();
        if (!wt) fail("[[work]] entries are tables");
        std::string where = "[[work]]";
        check_keys(*wt, where, {"name", "cycles", "per_byte", "class", "source", "note", "syscalls"});
        WorkClass w;
        w.name = need_string(*wt, "name", where);
        where = "[[work]] '" + w.name + "'";
        w.cost = parse_cost(*wt, where, sources, false);
        if (auto pb = (*wt)["per_byte"].value<double>()) {
            w.per_byte = w.cost;
            w.per_byte.cycles = *pb;
            w.per_byte.note.clear();
        }
        if (const toml::array* names = (*wt)["syscalls"].as_array()) {
            for (auto&& n : *names) {
                auto s = n.value<std::string>();
                if (!s) fail(where + ".syscalls holds strings");
                if (!listed.insert(*s).second) fail("system call '" + *s + "' is in two [[work]] classes");
                w.syscalls.push_back(*s);
            }
        }
        if (w.name == "default") {
            if (!w.syscalls.empty()) fail("the default [[work]] class lists no system calls");
            c.work.insert(c.work.begin(), w);
        } else {
            c.work.push_back(w);
        }
    }
    if (c.work.empty() || c.work[0].name != "default") fail("missing the [[work]] class named \"default\"");

    const toml::table& insn = need_table(root, "insn", top);
    for (auto&& [k, v] : insn) {
        (void)v;
        bool known = false;
        for (unsigned i = 0; i < kInsnClassCount; i++) known |= k.str() == insn_class_name(InsnClass(i));
        if (!known) fail("unknown instruction class '" + std::string(k.str()) + "' in [insn]");
    }
    for (unsigned i = 0; i < kInsnClassCount; i++)
        c.insn[i] = need_cost(insn, insn_class_name(InsnClass(i)), "[insn]", sources);
}

}  // namespace

bool parse_cpu_model(const std::string& text, const std::string& origin, CpuModel& out, std::string& err) {
    try {
        toml::table root = toml::parse(text, origin);
        CpuModel m;
        m.origin = origin;
        parse_model(root, m);
        out = std::move(m);
        return true;
    } catch (const toml::parse_error& e) {
        std::ostringstream s;
        s << origin << ":" << e.source().begin.line << ": " << e.description();
        err = s.str();
    } catch (const ParseError& e) {
        err = origin + ": " + e.msg;
    }
    return false;
}

const std::vector<CpuModel>& builtin_cpu_models() {
    static const std::vector<CpuModel> models = [] {
        std::vector<CpuModel> v;
        for (unsigned k = 0; k < kEmbeddedModelFileCount; k++) {
            CpuModel m;
            std::string err;
            if (!parse_cpu_model(kEmbeddedModelFiles[k].text, "built-in", m, err)) {
                // Built-in files are checked by the unit tests; reaching this is a build defect.
                std::fprintf(stderr, "gate386: built-in CPU model %s: %s\n", kEmbeddedModelFiles[k].name, err.c_str());
                std::abort();
            }
            v.push_back(std::move(m));
        }
        std::sort(v.begin(), v.end(), [](const CpuModel& a, const CpuModel& b) { return a.name < b.name; });
        return v;
    }();
    return models;
}

const CpuModel* find_cpu_model(const std::string& name) {
    for (const CpuModel& m : builtin_cpu_models())
        if (m.name == name) return &m;
    return nullptr;
}

const CpuModel& default_cpu_model() {
    static const CpuModel& m = *find_cpu_model("pentium4");
    return m;
}

std::string known_cpu_model_names() {
    std::string s;
    for (const CpuModel& m : builtin_cpu_models()) {
        if (!s.empty()) s += ", ";
        s += m.name;
    }
    return s;
}

bool select_cpu_model(const std::string& spec, const std::string& file, CpuModel& out, std::string& err) {
    std::string name = spec.substr(0, spec.find(','));
    std::string opts = spec.size() > name.size() ? spec.substr(name.size() + 1) : "";
    if (!file.empty()) {
        std::ifstream in(file);
        if (!in) { err = "cannot read CPU model file '" + file + "'"; return false; }
        std::stringstream text;
        text << in.rdbuf();
        if (!parse_cpu_model(text.str(), file, out, err)) return false;
    } else {
        const CpuModel* m = find_cpu_model(name);
        if (!m) { err = "unknown CPU model '" + name + "' (known: " + known_cpu_model_names() + ")"; return false; }
        out = *m;
    }
    while (!opts.empty()) {
        std::string o = opts.substr(0, opts.find(','));
        opts = opts.size() > o.size() ? opts.substr(o.size() + 1) : "";
        if (o.rfind("mhz=", 0) == 0) {
            char* end = nullptr;
            unsigned long v = std::strtoul(o.c_str() + 4, &end, 10);
            if (!*(o.c_str() + 4) || *end || v == 0 || v > 100000) { err = "bad clock '" + o + "' (mhz=1..100000)"; return false; }
            out.mhz = out.identity.mhz = static_cast<uint32_t>(v);
            out.clock.cycles = static_cast<double>(v);
            out.clock.cls = 'E';
            out.clock.source = "set on the command line (--cpu " + spec + ")";
            out.clock.source_key.clear();
        } else {
            err = "unknown CPU model option '" + o + "' (mhz=N)";
            return false;
        }
    }
    return true;
}

}  // namespace gate386
