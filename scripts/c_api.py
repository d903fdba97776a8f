"""The C API as the headers declare it (include/tgauth_*.h, the one hand-written contract): every function's
return type and parameters, every struct's fields, every opaque type. scripts/generate.py derives each
binding's foreign declarations from this: Python's ctypes declarations, the Node addon's calls, PHP's FFI
header. A function added to a header reaches every binding at the next `make generate`.

The headers follow one style (secp256k1's): a declaration starts with TGAUTH_API and ends with ';', a parameter
is `type name`, a struct is `typedef struct name { fields } name;`. Anything else is an error here, not a guess."""
import glob
import os
import re
import sys
from collections import namedtuple

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")

Param = namedtuple("Param", "type name array")  # type without the name, e.g. "const char *"; array: [N] or None
Function = namedtuple("Function", "name returns params header blocks")  # blocks: its documentation says it blocks
Struct = namedtuple("Struct", "name fields header")


def _clean(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def _declarator(text, where):
    """`const char *name` or `uint8_t key[32]` -> Param."""
    m = re.fullmatch(r"(.*?[\s*])(\w+)\s*(\[\s*\d+\s*\])?", " ".join(text.split()))
    if not m:
        sys.exit(f"c_api.py: {where}: cannot read the declaration '{text}'")
    type_ = re.sub(r"\s*\*", " *", m.group(1).strip()).replace("* *", "**").strip()
    return Param(type_, m.group(2), int(m.group(3).strip("[] ")) if m.group(3) else None)


def parse():
    """(functions, structs, opaque type names), in header order."""
    functions, structs, opaque = [], [], []
    for path in sorted(glob.glob(os.path.join(ROOT, "include", "tgauth_*.h"))):
        header = os.path.basename(path)
        raw = open(path).read()
        blocking = {m.group(2) for m in re.finditer(r"/\*\*((?:(?!\*/).)*)\*/\s*TGAUTH_API[^;(]*?(tgauth_\w+)\s*\(", raw, flags=re.S)
                    if re.search(r"\bblocks\b", m.group(1))}
        text = _clean(raw)
        for m in re.finditer(r"typedef\s+struct\s+(\w+)\s+(\w+)\s*;", text):
            opaque.append(m.group(1))
        for m in re.finditer(r"typedef\s+struct\s+(\w+)\s*\{(.*?)\}\s*(\w+)\s*;", text, flags=re.S):
            fields = [_declarator(f, f"{header}: struct {m.group(1)}") for f in m.group(2).split(";") if f.strip()]
            structs.append(Struct(m.group(1), fields, header))
        for m in re.finditer(r"TGAUTH_API\s+(.*?);", text, flags=re.S):
            decl = " ".join(m.group(1).replace("TGAUTH_WARN_UNUSED_RESULT", "").split())
            f = re.fullmatch(r"(.+?[\s*])(tgauth_\w+)\s*\((.*)\)", decl)
            if not f:
                sys.exit(f"c_api.py: {header}: cannot read the declaration '{decl}'")
            params = [] if f.group(3).strip() in ("", "void") else [
                _declarator(p, f"{header}: {f.group(2)}") for p in f.group(3).split(",")]
            returns = re.sub(r"\s*\*", " *", f.group(1).strip()).strip()
            functions.append(Function(f.group(2), returns, params, header, f.group(2) in blocking))
    return functions, structs, opaque


def base(type_):
    """The type without const and pointers: `const tgauth_check *` -> `tgauth_check`."""
    return type_.replace("const", "").replace("*", "").strip()


def handles(functions, opaque):
    """The library's objects that a caller makes and frees (verifiers, clients, flows), as opposed to results:
    each opaque type with a `_new` writing it (`T **` first) and a `_free`."""
    names = {f.name for f in functions}
    made = {base(f.params[0].type) for f in functions if f.params and f.params[0].type.endswith("**")}
    return [t for t in opaque if t in made and f"{t}_free" in names]


# ---- Python: ctypes declarations -------------------------------------------------------------------------

_ACRONYMS = {"oidc": "OIDC", "deeplink": "DeepLink"}
_PY_SCALARS = {"int": "c_int", "unsigned": "c_uint", "size_t": "c_size_t", "int64_t": "c_int64", "uint64_t": "c_uint64",
               "double": "c_double", "void": "None"}


def py_struct_name(c_name):
    """`tgauth_oidc_options` -> `OIDCOptions`."""
    return "".join(_ACRONYMS.get(w, w.capitalize()) for w in c_name[len("tgauth_"):].split("_"))


def py_type(param, structs, opaque):
    t, b = param.type, base(param.type)
    if param.array or b in ("char", "uint8_t") and t.endswith("*") and not t.endswith("**"):
        return "c_char_p"
    if t.endswith("**"):
        return "P(c_void_p)"
    if b in opaque:
        return "c_void_p"
    if b in structs:
        return f"P({py_struct_name(b)})"
    if t.endswith("*"):
        return f"P({_PY_SCALARS[b]})"
    return _PY_SCALARS[t]


def py_return(function):
    if function.returns.endswith("*"):
        # a string with its length in a size_t * is read with ctypes.string_at (it may hold a NUL)
        with_length = any(p.type == "size_t *" for p in function.params)
        return "c_void_p" if with_length or base(function.returns) != "char" else "c_char_p"
    return _PY_SCALARS[function.returns]


def python(notice):
    """bindings/python/src/tgauth/_declarations.py."""
    functions, structs, opaque = parse()
    struct_names = {s.name for s in structs}
    out = [f'"""{notice}', "",
           "Every function and struct of the C headers (include/tgauth_*.h), declared for ctypes on the loaded library.",
           "The verification calls the binding makes with ready ctypes objects (the `_record` forms and",
           "tgauth_oidc_verify) take no argtypes: that saves most of ctypes' per-call conversion cost.\"\"\"",
           "from __future__ import annotations", "", "import ctypes", "from typing import Any, List", "",
           "from ._library import lib", "",
           "c_char_p, c_size_t, c_int, c_uint, c_int64, c_uint64 = ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_uint, ctypes.c_int64, ctypes.c_uint64",
           "c_void_p, c_double, P = ctypes.c_void_p, ctypes.c_double, ctypes.POINTER", ""]
    for s in structs:
        fields = []
        for f in s.fields:
            ctype = f"ctypes.c_char * {f.array}" if f.array else py_type(f, struct_names, opaque)
            fields.append(f'("{f.name}", {ctype})')
        out += ["", f"class {py_struct_name(s.name)}(ctypes.Structure):", f'    """`{s.name}` ({s.header})."""',
                f"    _fields_ = [{', '.join(fields)}]", ""]
    out += ["", "def _declare(name: str, restype: Any, argtypes: List[Any]) -> Any:", "    fn = getattr(lib, name)",
            "    fn.restype = restype", "    fn.argtypes = argtypes", "    return fn", "", "",
            "def _undeclared(name: str) -> Any:", "    fn = getattr(lib, name)", "    fn.restype = c_int", "    return fn", ""]
    header = None
    for f in functions:
        if f.header != header:
            header = f.header
            out += ["", f"# ---- {header} " + "-" * (100 - len(header))]
        short = f.name[len("tgauth_"):]
        if f.name.endswith("_record") or f.name == "tgauth_oidc_verify":
            out.append(f'{short} = _undeclared("{f.name}")')
        else:
            args = ", ".join(py_type(p, struct_names, opaque) for p in f.params)
            out.append(f'{short} = _declare("{f.name}", {py_return(f)}, [{args}])')
    return "\n".join(out) + "\n"


# ---- Node: the addon's calls -------------------------------------------------------------------------------

_C_NUMBERS = {"int": "int64_of", "unsigned": "int64_of", "int64_t": "int64_of", "size_t": "size_of", "double": "double_of"}


def camel(name):
    head, *rest = name[len("tgauth_"):].split("_")
    return head + "".join(w.capitalize() for w in rest)


def node_call(f, handle_types, opaque):
    """(the C wrapper, its JavaScript arguments) of function `f`, or (None, why) when the addon does not take it:
    results are read from records, so a result's accessors, and calls that hand out a result object, are not
    calls of the addon; nor is a parameter of a form below that it does not know."""
    if f.returns == "void":
        return None, "frees (the addon's finalizer calls it)"
    if f.blocks:
        return None, "blocks the calling thread, which would be the event loop"
    params, args, call, js = f.params, [], [], []
    slot = 0
    out = ctor = err = False
    i = 0
    while i < len(params):
        p, nxt = params[i], params[i + 1] if i + 1 < len(params) else None
        b = base(p.type)
        if p.type.endswith("**"):
            if i != 0 or b not in handle_types:
                return None, "hands out a result object (the addon reads records)"
            args.append(f"    {b} *made = NULL;")
            call.append("&made")
            ctor = b
        elif p.array:
            return None, f"takes an array ({p.name}[{p.array}])"
        elif p.type == "char *" and nxt and nxt.type == "size_t *":
            call += ["out", "&out_len"]
            out = True
            i += 1
        elif b == "tgauth_error":
            call.append("&get_state(env)->err" if not out else "&s_->err")
            err = True
        elif b in ("char", "uint8_t") and p.type.startswith("const") and nxt and nxt.type == "size_t":
            args.append(f"    const char *{p.name};\n    size_t {p.name}_size;\n"
                        f"    if (!optional_bytes_of(env, argv[{len(js)}], {slot}, &{p.name}, &{p.name}_size)) "
                        f"return type_error(env, \"{camel(f.name)}: {p.name} must be a string or a Uint8Array\");")
            cast = "(const uint8_t *)" if b == "uint8_t" else ""
            call += [f"{cast}{p.name}", f"{p.name}_size"]
            js.append(p.name)
            slot += 1
            i += 1
        elif b == "tgauth_check" and p.type.startswith("const"):
            args.append(f"    tgauth_check {p.name} = check_of(env, argv + {len(js)});")
            call.append(f"&{p.name}")
            js += ["maxAge", "now", "maxBytes"]
        elif b == "tgauth_field" and p.type.startswith("const") and nxt and nxt.type == "size_t":
            args.append(f"    const char *{p.name}_pairs;\n    size_t {p.name}_pairs_size;\n"
                        f"    if (!bytes_of(env, argv[{len(js)}], {slot}, &{p.name}_pairs, &{p.name}_pairs_size)) "
                        f"return type_error(env, \"{camel(f.name)}: {p.name} must be key\\\\0value pairs\");\n"
                        f"    size_t {nxt.name} = size_of(env, argv[{len(js) + 1}]);\n"
                        f"    const tgauth_field *{p.name} = fields_of(env, {p.name}_pairs, {p.name}_pairs_size, {nxt.name});\n"
                        f"    if (!{p.name}) return type_error(env, \"tgauth: out of memory\");")
            call += [p.name, nxt.name]
            js += [p.name, nxt.name]
            slot += 1
            i += 1
        elif b.endswith("_options") and p.type.startswith("const"):
            call.append("NULL")  # the defaults: the addon never asks the library to reach the network
        elif b in handle_types or (b in opaque and i == 0):
            if b not in handle_types:
                return None, "reads a result (the addon reads records)"
            args.append(f"    {p.type}{p.name} = handle_of(env, argv[{len(js)}]);")
            call.append(p.name)
            js.append(p.name)
        elif p.type in _C_NUMBERS:
            args.append(f"    {p.type} {p.name} = ({p.type}){_C_NUMBERS[p.type]}(env, argv[{len(js)}]);")
            call.append(p.name)
            js.append(p.name)
        else:
            return None, f"takes {p.type}{p.name}, a form the addon does not know"
        i += 1
    slot_max = 6
    if slot > slot_max:
        return None, f"takes more than {slot_max} strings"
    invocation = f"{f.name}({', '.join(call)})"
    body = [f"static napi_value call_{f.name[len('tgauth_'):]}(napi_env env, napi_callback_info info) {{"]
    body.append(f"    ARGS({max(len(js), 1)});" if js else "    (void)info;")
    body += args
    if ctor:
        body.append(f"    int code = {invocation};")
        body.append(f"    return handle_made(env, code, made, KIND_{ctor[len('tgauth_'):].upper()});")
    elif out:
        body.append(f"    WRITE_OUTPUT({invocation});")
    elif f.returns == "int" and err:
        body.append(f"    return status(env, {invocation});")
    elif f.returns in ("const char *", "char *"):
        body.append(f"    return static_string(env, {invocation});")
    elif f.returns in _C_NUMBERS:
        body.append(f"    return number(env, (double){invocation});")
    else:
        return None, f"returns {f.returns}, a form the addon does not know"
    body.append("}")
    return "\n".join(body), js


def node(notice):
    """bindings/node/src/calls.c: one wrapper per call the addon takes, its finalizer, and its exports."""
    functions, _, opaque = parse()
    handle_types = handles(functions, opaque)
    out = [f"/* {notice}", " *", " * The Node.js addon: one thin wrapper per function of the C headers that it can take (runtime.h holds",
           " * the conversions they share). The JavaScript arguments of each, in order, are in its comment; a function",
           " * left out says why at the end. */", '#include "runtime.h"', ""]
    out.append("enum { " + ", ".join(f"KIND_{h[len('tgauth_'):].upper()}" for h in handle_types) + " };")
    out += ["", "static void finalize(napi_env env, void *object, void *kind) {", "    (void)env;", "    switch ((int)(intptr_t)kind) {"]
    out += [f"    case KIND_{h[len('tgauth_'):].upper()}: {h}_free(object); break;" for h in handle_types]
    out += ["    }", "}", ""]
    exports, skipped = [("lastError", "last_error")], []
    for f in functions:
        wrapper, js = node_call(f, handle_types, opaque)
        if wrapper is None:
            skipped.append((f.name, js))
            continue
        out += [f"/* {camel(f.name)}({', '.join(js)}) */", wrapper, ""]
        exports.append((camel(f.name), f"call_{f.name[len('tgauth_'):]}"))
    out += ["NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {", "    if (!init_state(env)) return NULL;",
            "    const napi_property_descriptor calls[] = {"]
    out += [f'        {{"{js}", NULL, {c}, NULL, NULL, NULL, napi_enumerable, NULL}},' for js, c in exports]
    out += ["    };", "    napi_define_properties(env, exports, sizeof calls / sizeof calls[0], calls);", "    return exports;", "}", "",
            "/* Left out:"]
    routine = [name for name, why in skipped if why.startswith(("frees", "reads a result"))]
    out.append(f" * - {len(routine)} functions that free an object or read a result (the finalizer frees; records carry results)")
    out += [f" * - {name}: {why}" for name, why in skipped if name not in routine]
    out += [" */", ""]
    return "\n".join(out)


# ---- PHP: a header for FFI::cdef (no macros) ---------------------------------------------------------------

def php_header(notice):
    """bindings/php/src/tgauth_ffi.h: the types and functions of the headers, as PHP's FFI parser reads them. Its
    two defines, which PHP reads only before anything else in the file, make it php.ini's ffi.preload too (the
    scope TGAUTH, from libtgauth.so.0); Library.php drops them for FFI::cdef, which takes no directive."""
    functions, structs, opaque = parse()
    out = ['#define FFI_SCOPE "TGAUTH"', '#define FFI_LIB "libtgauth.so.0"', f"/* {notice}",
           " * Plain C declarations, no macros: for FFI::cdef (Library.php), and for php.ini's ffi.preload with",
           " * opcache.preload=preload.php (the scope TGAUTH, from libtgauth.so.0 found by the loader). */", ""]
    defined = {s.name for s in structs}
    out += [f"typedef struct {t} {t};" for t in opaque if t not in defined]
    for s in structs:
        fields = " ".join(f"{f.type}{'' if f.type.endswith('*') else ' '}{f.name}{f'[{f.array}]' if f.array else ''};" for f in s.fields)
        out.append(f"typedef struct {s.name} {{ {fields} }} {s.name};")
    out.append("")
    for f in functions:
        # PHP passes a string only as char *: a byte pointer is declared as one (the same ABI)
        params = ", ".join(f"{p.type.replace('uint8_t *', 'char *')}{'' if p.type.endswith('*') else ' '}{p.name}"
                           f"{f'[{p.array}]' if p.array else ''}" for p in f.params) or "void"
        out.append(f"{f.returns}{'' if f.returns.endswith('*') else ' '}{f.name}({params});")
    return "\n".join(out) + "\n"
