# InterviewRoom function-call harness (Python). Reads "<nonce>\n<json spec>" from stdin, loads
# solution.py, calls a fresh Solution() per test and appends one framed record per test to the
# results file: "<nonce> <byte length>\n<json>\n". The results file is unlinked and stdin is
# drained before candidate code loads, so the nonce and the channel have no name it can find.
import json
import os
import sys
import time
import traceback
from typing import List, Optional, Dict, Tuple, Set  # noqa: F401  (offered to the candidate)


class TreeNode:
    def __init__(self, val=0, left=None, right=None):
        self.val = val
        self.left = left
        self.right = right


class ListNode:
    def __init__(self, val=0, next=None):
        self.val = val
        self.next = next


MAX_NODES = 200000
SYNTAX_ERROR_EXIT = 97  # LanguageProfile.PYTHON_SYNTAX_ERROR_EXIT
NODE_TYPES = ("TreeNode", "ListNode")


def to_tree(values):
    if not values or values[0] is None:
        return None
    root = TreeNode(values[0])
    queue, i = [root], 1
    while queue and i < len(values):
        node = queue.pop(0)
        if i < len(values) and values[i] is not None:
            node.left = TreeNode(values[i]); queue.append(node.left)
        i += 1
        if i < len(values) and values[i] is not None:
            node.right = TreeNode(values[i]); queue.append(node.right)
        i += 1
    return root


def from_tree(root):
    out, queue = [], [root]
    while queue and len(out) < MAX_NODES:
        node = queue.pop(0)
        if node is None:
            out.append(None)
            continue
        out.append(node.val)
        queue.append(node.left)
        queue.append(node.right)
    while out and out[-1] is None:
        out.pop()
    return out


def to_list(values):
    head = None
    for v in reversed(values or []):
        head = ListNode(v, head)
    return head


def from_list(node):
    out = []
    while node is not None and len(out) < MAX_NODES:
        out.append(node.val)
        node = node.next
    return out


def convert_in(value, type_name):
    if type_name == "TreeNode":
        return to_tree(value)
    if type_name == "ListNode":
        return to_list(value)
    if type_name == "double" and isinstance(value, int):
        return float(value)
    return value


def jsonable(value):
    if isinstance(value, TreeNode):
        return from_tree(value)
    if isinstance(value, ListNode):
        return from_list(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value


def candidate_trace(exc):
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == "solution.py"]
    lines = ["Traceback (most recent call last):\n"] if frames else []
    lines += traceback.format_list(frames)
    lines += traceback.format_exception_only(type(exc), exc)
    return "".join(lines)[-4000:]


def main():
    raw = sys.stdin.buffer.read()
    devnull = os.open("/dev/null", os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    nonce, _, body = raw.partition(b"\n")
    spec = json.loads(body)
    del raw, body
    channel = os.open(".results", os.O_WRONLY | os.O_APPEND)
    os.unlink(".results")

    def emit(record):
        data = json.dumps(record, allow_nan=False, separators=(",", ":")).encode()
        os.write(channel, nonce + b" " + str(len(data)).encode() + b"\n" + data + b"\n")

    function = spec["function"]
    namespace = {"__name__": "solution", "TreeNode": TreeNode, "ListNode": ListNode, "List": List,
                 "Optional": Optional, "Dict": Dict, "Tuple": Tuple, "Set": Set}
    with open("solution.py", "rb") as f:
        source = f.read()
    try:
        code = compile(source, "solution.py", "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:  # the code does not parse: a compile error, as javac's
        sys.stderr.write("".join(traceback.format_exception_only(type(exc), exc)))
        sys.stderr.flush()
        os._exit(SYNTAX_ERROR_EXIT)
    try:
        exec(code, namespace)
        solution_class = namespace["Solution"]
    except BaseException as exc:  # a load failure is the candidate's error, reported like one
        sys.stderr.write(candidate_trace(exc))
        sys.stderr.flush()
        os._exit(1)

    params = function["params"]
    for test in spec["tests"]:
        args = [convert_in(test["input"].get(p["name"]), p["type"]) for p in params]
        started = time.perf_counter()
        try:
            result = getattr(solution_class(), function["name"])(*args)
            if function["returns"] == "void":
                result = args[0] if args else None
            if result is None and function["returns"] in NODE_TYPES + ("void",):
                result = []  # an empty tree or list is [] in LeetCode's format
            elapsed = (time.perf_counter() - started) * 1000
            try:
                emit({"id": test["id"], "ok": True, "actual": jsonable(result), "ms": elapsed})
            except (TypeError, ValueError) as exc:
                emit({"id": test["id"], "ok": False, "kind": "TypeError", "ms": elapsed,
                      "error": "the returned value cannot be expressed as JSON: " + str(exc)[:200]})
        except RecursionError as exc:
            emit({"id": test["id"], "ok": False, "kind": "RecursionError", "error": candidate_trace(exc),
                  "ms": (time.perf_counter() - started) * 1000})
        except MemoryError as exc:
            emit({"id": test["id"], "ok": False, "kind": "MemoryError", "error": "MemoryError",
                  "ms": (time.perf_counter() - started) * 1000})
        except BaseException as exc:
            emit({"id": test["id"], "ok": False, "kind": type(exc).__name__, "error": candidate_trace(exc),
                  "ms": (time.perf_counter() - started) * 1000})
    sys.stdout.flush(); sys.stderr.flush()
    emit({"done": len(spec["tests"])})
    # Leave now: waiting for the candidate's non-daemon threads or atexit hooks would only burn the clock.
    os._exit(0)


main()
