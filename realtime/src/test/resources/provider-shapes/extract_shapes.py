#!/usr/bin/env python3
"""Extracts message shapes (required and allowed fields, nested types) from the official SDK sources.

Usage: extract_shapes.py <sdk> <git-dir> <out.json>   with <sdk> one of openai-realtime, gemini-live, anthropic-messages.
Reads the files at the git dir's HEAD (git show), so the commit written into the output is exactly what was read.
The tests (ProviderShapes) check every message our clients send and our fakes send against the output.
"""
import ast, json, re, subprocess, sys, datetime

def git(gitdir, *args):
    return subprocess.run(["git", "--git-dir", gitdir, *args], check=True, capture_output=True, text=True).stdout

class Sdk:
    def __init__(self, gitdir, camel):
        self.gitdir, self.camel = gitdir, camel
        self.commit = git(gitdir, "rev-parse", "HEAD").strip()
        self.modules = {}
        self.objects = {}

    def module(self, path):
        if path not in self.modules:
            tree = ast.parse(git(self.gitdir, "show", "HEAD:" + path))
            classes, aliases, imports = {}, {}, {}
            for node in tree.body:
                if isinstance(node, ast.ClassDef):
                    classes[node.name] = node
                elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
                    aliases[node.target.id] = node.value
                elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                    aliases[node.targets[0].id] = node.value
                elif isinstance(node, ast.ImportFrom) and node.level > 0:
                    base = path.rsplit("/", 1)[0]
                    for _ in range(node.level - 1):
                        base = base.rsplit("/", 1)[0]
                    target = base + "/" + node.module.replace(".", "/") + ".py" if node.module else None
                    for n in node.names:
                        imports[n.asname or n.name] = target or (base + "/" + n.name + ".py")
            self.modules[path] = (classes, aliases, imports)
        return self.modules[path]

    def resolve(self, path, name, seen=()):
        """Class keys (path#Class) a name stands for, following aliases and imports."""
        if (path, name) in seen:
            return []
        seen = seen + ((path, name),)
        try:
            classes, aliases, imports = self.module(path)
        except subprocess.CalledProcessError:
            return []
        if name in classes:
            return [path + "#" + name]
        if name in aliases:
            return self.refs(path, aliases[name], seen)
        if name in imports and imports[name]:
            return self.resolve(imports[name], name, seen)
        return []

    def refs(self, path, node, seen=()):
        out = []
        for n in ast.walk(node):
            if isinstance(n, ast.Name) and n.id not in ("Optional", "Union", "List", "Iterable", "Required", "NotRequired",
                                                          "Literal", "Dict", "list", "dict", "str", "int", "float", "bool",
                                                          "object", "bytes", "Any", "SequenceNotStr", "Annotated", "TypeAlias"):
                out += self.resolve(path, n.id, seen)
            elif isinstance(n, ast.Constant) and isinstance(n.value, str) and re.fullmatch(r"[A-Z]\w*", n.value):
                out += self.resolve(path, n.value, seen)  # forward references as strings
        return sorted(set(out))

    def wire(self, name):
        if not self.camel:
            return name
        head, *rest = name.split("_")
        return head + "".join(p[:1].upper() + p[1:] for p in rest)

    def describe(self, key):
        if key in self.objects:
            return
        path, name = key.split("#")
        node = self.module(path)[0][name]
        typed_dict = any(isinstance(b, ast.Name) and b.id == "TypedDict" for b in node.bases)
        total = True
        for kw in node.keywords:
            if kw.arg == "total" and isinstance(kw.value, ast.Constant):
                total = kw.value.value
        fields, required, literal_type = {}, [], None
        self.objects[key] = None  # placeholder against cycles
        bases = [b.id for b in node.bases if isinstance(b, ast.Name) and b.id not in ("BaseModel", "TypedDict", "_common")]
        for base in bases:
            for ref in self.resolve(path, base):
                self.describe(ref)
                if self.objects.get(ref):
                    fields.update(self.objects[ref]["fields"])
                    required += self.objects[ref]["required"]
        for stmt in node.body:
            if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
                continue
            field = stmt.target.id
            ann = ast.unparse(stmt.annotation)
            if typed_dict:
                is_required = ann.startswith("Required[") or (total and not ann.startswith("NotRequired["))
            else:
                is_required = stmt.value is None and not ann.startswith("Optional[") and "None" not in ann
            refs = [r for r in self.refs(path, stmt.annotation) if r != key or True]
            wire = self.wire(field)
            fields[wire] = refs
            if is_required:
                required.append(wire)
            if field == "type":
                m = re.search(r"Literal\[['\"]([^'\"]+)['\"]\]", ann)
                if m:
                    literal_type = m.group(1)
            for ref in refs:
                self.describe(ref)
        self.objects[key] = {"fields": fields, "required": sorted(set(required)), "type": literal_type}

    def dump(self, repo, roots, out):
        for key in roots.values():
            self.describe(key)
        objects = {k: v for k, v in self.objects.items() if v is not None}
        data = {
            "source": {"repository": repo, "commit": self.commit,
                       "commitDate": git(self.gitdir, "log", "-1", "--format=%cI", "HEAD").strip(),
                       "extracted": datetime.date.today().isoformat(),
                       "by": "realtime/src/test/resources/provider-shapes/extract_shapes.py"},
            "roots": roots,
            "objects": {k: {"required": v["required"], "allowed": sorted(v["fields"]),
                            "types": {f: r for f, r in sorted(v["fields"].items()) if r},
                            **({"type": v["type"]} if v["type"] else {})} for k, v in sorted(objects.items())},
        }
        with open(out, "w") as f:
            json.dump(data, f, indent=1, sort_keys=True)
            f.write("\n")

def main():
    sdk_name, gitdir, out = sys.argv[1:4]
    if sdk_name == "openai-realtime":
        sdk = Sdk(gitdir, camel=False)
        base = "src/openai/types/realtime/"
        files = [l for l in git(gitdir, "ls-tree", "--name-only", "HEAD", base).split() if l.endswith(".py")]
        roots = {}
        for path in files:
            classes = sdk.module(path)[0]
            for name, node in classes.items():
                # events are the classes named ...Event(Param), plus the two GA events named without it
                if not (name.endswith("Event") or name.endswith("EventParam") or name in ("ConversationItemAdded", "ConversationItemDone")):
                    continue
                for stmt in node.body:
                    if isinstance(stmt, ast.AnnAssign) and getattr(stmt.target, "id", "") == "type":
                        m = re.search(r"Literal\[['\"]([^'\"]+)['\"]\]", ast.unparse(stmt.annotation))
                        if m:
                            side = "client" if path.endswith("_param.py") else "server"
                            roots.setdefault(side + ":" + m.group(1), path + "#" + name)
        # client events also exist as response models (no _param); keep only the server side's true server events
        client_types = {k.split(":", 1)[1] for k in roots if k.startswith("client:")}
        roots = {k: v for k, v in roots.items() if k.startswith("client:") or k.split(":", 1)[1] not in client_types}
        sdk.dump("openai/openai-python", roots, out)
    elif sdk_name == "gemini-live":
        sdk = Sdk(gitdir, camel=True)
        path = "google/genai/types.py"
        sdk.dump("googleapis/python-genai", {"client": path + "#LiveClientMessage", "server": path + "#LiveServerMessage"}, out)
    elif sdk_name == "anthropic-messages":
        sdk = Sdk(gitdir, camel=False)
        base = "src/anthropic/types/"
        sdk.dump("anthropics/anthropic-sdk-python", {
            "request": base + "message_create_params.py#MessageCreateParamsBase",
            "response": base + "message.py#Message",
            "error": base + "shared/error_response.py#ErrorResponse"}, out)
    else:
        sys.exit("unknown sdk " + sdk_name)

main()
