# InterviewRoom Python boot. The runner starts this sandbox ahead of a request (so process and
# interpreter start-up are off the candidate's clock) and it waits on stdin for one header line:
# "harness" runs the function-call harness, "program" runs solution.py as __main__ with the rest of
# stdin as its input. The header is read byte by byte so no candidate input is buffered away.
import os
import sys

# What the harness and the error report import, imported while the sandbox waits for its request
# so that it is off the candidate's clock (about 10 ms of Python's start-up work per run).
import json  # noqa: F401
import time  # noqa: F401
import traceback
import typing  # noqa: F401


def header():
    data = b""
    while not data.endswith(b"\n"):
        chunk = os.read(0, 1)
        if not chunk:
            os._exit(0)
        data += chunk
    return data.strip().decode()


def run_program():
    with open("solution.py", "rb") as f:
        source = f.read()
    sys.argv = ["solution.py"]
    namespace = {"__name__": "__main__", "__file__": "solution.py", "__builtins__": __builtins__}
    try:
        code = compile(source, "solution.py", "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:  # the code does not parse: a compile error, as javac's
        sys.stderr.write("".join(traceback.format_exception_only(type(exc), exc)))
        sys.stderr.flush()
        os._exit(97)  # LanguageProfile.PYTHON_SYNTAX_ERROR_EXIT
    try:
        exec(code, namespace)
    except SystemExit:
        raise
    except BaseException as exc:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == "solution.py"]
        lines = ["Traceback (most recent call last):\n"] if frames else []
        lines += traceback.format_list(frames)
        lines += traceback.format_exception_only(type(exc), exc)
        sys.stderr.write("".join(lines))
        sys.exit(1)


def main():
    mode = header()
    if mode == "harness":
        with open("/harness/harness.py", "rb") as f:
            harness = compile(f.read(), "/harness/harness.py", "exec")
        exec(harness, {"__name__": "harness"})
    elif mode == "program":
        run_program()
    else:
        os._exit(2)


if __name__ == "__main__":  # zygote.py runs main() in each run's forked child instead
    main()
