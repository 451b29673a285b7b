# InterviewRoom Python zygote: one per slot, in a sandbox like every other (its own uid, namespaces
# and cgroup, the runtime read-only), started once and never running candidate code itself. Per
# run it forks a child that takes fresh mount, pid, IPC, network and UTS namespaces, its own /tmp,
# /dev/shm and /proc, drops every capability, sets no-new-privs, loads the seccomp filter and only
# then runs boot.py's main() as pid 2 under an init of its own, exactly as a freshly started sandbox
# would. So a run costs a fork of a warm interpreter instead of a new process tree and interpreter.
#
# What keeps runs apart (docs/sandbox.md, "The Python zygote"):
# - the zygote never touches a run's data: the runner writes the input to /io/stdin and reads the
#   output from /io/stdout and /io/stderr (a directory of the slot's own, outside its work dir),
#   files the child opens and unlinks, and then covers /io in its namespace, before any
#   candidate code runs; the control pipe carries only "run", "forked" and "exit N";
# - the zygote is not dumpable, and the run is in a pid namespace of its own, so no run can see,
#   signal or read it; the run's cgroup is joined before the fork (the runner moves the zygote in
#   and out), so every limit and the kill of everything a run leaves behind are as for any run.
#
# Protocol on stdin/stdout (one line each): "ready" once started; then per run the runner sends
# "run" and the zygote answers "forked", then "exit <code>" once the run's init has exited (128 +
# signal when killed by one).
import ctypes
import os
import signal
import sys

libc = ctypes.CDLL(None, use_errno=True)
libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWPID, CLONE_NEWNET = 0x20000000, 0x40000000
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_PRIVATE = 2, 4, 8, 0x4000, 0x40000
MS_RDONLY = 1
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_SECCOMP, PR_CAPBSET_DROP = 1, 4, 22, 24
PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 38, 47, 4
SECCOMP_MODE_FILTER = 2
LINUX_CAPABILITY_VERSION_3 = 0x20080522


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


class CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def check(result, what):
    if result != 0:
        raise OSError(ctypes.get_errno(), what)


def prctl(option, arg=0):
    check(libc.prctl(option, arg, 0, 0, 0), "prctl %d" % option)


def read_all(fd):
    data = b""
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            return data
        data += chunk


# The seccomp filter (Seccomp.java's program), passed by the launcher on fd 9 as for bwrap.
FILTER = ctypes.create_string_buffer(read_all(9))
os.close(9)
FILTER_LENGTH = (len(FILTER) - 1) // 8  # create_string_buffer adds a NUL
TMP_BYTES = int(sys.argv[1])

# The runs' code: boot.py's functions, and what they import, loaded once here.
BOOT = {"__name__": "boot", "__builtins__": __builtins__}
with open("/harness/boot.py", "rb") as f:
    exec(compile(f.read(), "/harness/boot.py", "exec"), BOOT)

prctl(PR_SET_DUMPABLE, 0)  # no run may read this process's memory through /proc
os.write(1, b"ready\n")


def drop_privileges():
    """Everything the zygote may do and a run may not: gone for good, before candidate code."""
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)
    for cap in range(64):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            break  # past the last capability this kernel knows
    prctl(PR_SET_NO_NEW_PRIVS, 1)
    data = (CapData * 2)()
    check(libc.capset(ctypes.byref(CapHeader(LINUX_CAPABILITY_VERSION_3, 0)), data), "capset")
    program = SockFprog(FILTER_LENGTH, ctypes.cast(FILTER, ctypes.c_void_p))
    check(libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(program), 0, 0), "seccomp")


def exit_like_python(code):
    """What the interpreter does at exit: wait for non-daemon threads, run atexit, flush."""
    if code is None:
        code = 0
    elif not isinstance(code, int):
        sys.stderr.write("%s\n" % (code,))
        code = 1
    if "threading" in sys.modules:
        sys.modules["threading"]._shutdown()
    import atexit

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            code = code or 120  # as Python exits when flushing stdout fails
    os._exit(code & 0xFF)


def status_code(status):
    if os.WIFEXITED(status):
        return os.WEXITSTATUS(status)
    return 128 + os.WTERMSIG(status)


def tmpfs(path):
    options = ("size=%d,mode=1777" % TMP_BYTES).encode()
    check(libc.mount(b"tmpfs", path, b"tmpfs", MS_NOSUID | MS_NODEV, options), "mount " + path.decode())


def init_and_run():
    """pid 1 of the run's namespace: runs the candidate as pid 2, reaps, exits with its status."""
    os.setsid()  # the session is the run's init's, as in a sandbox of its own
    check(libc.mount(b"proc", b"/proc", b"proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None), "mount /proc")
    drop_privileges()
    worker = os.fork()
    if worker == 0:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        prctl(PR_SET_DUMPABLE, 1)  # its own /proc/self, as in any sandbox
        # Signal dispositions are the zygote's, which never changed Python's defaults.
        code = 0
        try:
            BOOT["main"]()
        except SystemExit as exit:
            code = exit.code
        exit_like_python(code)
    while True:
        pid, status = os.wait()
        if pid == worker:
            os._exit(status_code(status))  # the kernel then kills what is left in the namespace


def child():
    """The run's process in the zygote's namespaces: its files, its namespaces, then its init."""
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    for fd, name, flags in (
        (0, "/io/stdin", os.O_RDONLY),
        (1, "/io/stdout", os.O_WRONLY | os.O_APPEND),
        (2, "/io/stderr", os.O_WRONLY | os.O_APPEND),
    ):
        opened = os.open(name, flags | os.O_NOFOLLOW | os.O_CLOEXEC)
        os.dup2(opened, fd)  # dup2's copy is inheritable
        os.close(opened)
        os.unlink(name)
    os.closerange(3, 65536)
    check(libc.unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWUTS), "unshare")
    check(libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "mount private")
    # The run never sees where its files were: an empty read-only tmpfs over /io (bwrap's mounts are
    # locked in this namespace, so /io cannot be unmounted; with no capabilities and umount refused
    # by seccomp, the run cannot take the cover off either).
    check(libc.mount(b"tmpfs", b"/io", b"tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, b"size=4k,mode=0"), "cover /io")
    tmpfs(b"/tmp")
    tmpfs(b"/dev/shm")
    init = os.fork()
    if init == 0:
        init_and_run()
    pid, status = os.waitpid(init, 0)
    os._exit(status_code(status))


def serve():
    while True:
        line = b""
        while not line.endswith(b"\n"):
            chunk = os.read(0, 1)
            if not chunk:
                os._exit(0)  # the runner closed us
            line += chunk
        if line != b"run\n":
            os._exit(2)
        pid = os.fork()
        if pid == 0:
            try:
                child()
            except BaseException as failure:  # never back into the loop: this is the run's process
                try:
                    os.write(2, ("zygote: %r\n" % (failure,)).encode())
                finally:
                    os._exit(125)
        os.write(1, b"forked\n")
        _, status = os.waitpid(pid, 0)
        os.write(1, b"exit %d\n" % status_code(status))


serve()
