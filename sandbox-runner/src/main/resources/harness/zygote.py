# InterviewRoom Python zygote: one per slot, in a sandbox like every other (its own uid, namespaces
# and cgroup, the runtime read-only), started once and never running candidate code itself. Ahead
# of each run it forks the run's process into a fresh pid namespace (pid 1 there), which takes
# fresh mount, IPC and UTS namespaces (the network's, with no interface up, is the zygote's), its
# own /tmp, /dev/shm and /proc, drops every capability, sets no-new-privs, loads the seccomp filter
# and waits. On "run" it takes the run's files as stdin, stdout and stderr and runs boot.py's
# main(), exactly as a freshly started sandbox would. So a run costs one fork of a warm interpreter
# instead of a new process tree and interpreter, and that fork happens before the request.
#
# What keeps runs apart (docs/sandbox.md, "The Python zygote"):
# - the zygote never touches a run's data: the runner writes the input to /io/stdin and reads the
#   output from /io/stdout and /io/stderr (a directory of the slot's own, outside its work dir, that
#   no run can write to), which only the run's process opens; the control pipe carries only
#   "ready", "prepared", "run" and "exit N";
# - the zygote is not dumpable, and the run is in a pid namespace of its own, so no run can see,
#   signal or read it; the runner moves the waiting process into the run's cgroup before "run", so
#   every limit and the kill of everything a run leaves behind are as for any run.
#
# Protocol on stdin/stdout (one line each): "ready" once started; "prepared" whenever the next run's
# process waits; the runner then sends "run" and the zygote answers "exit <code>" once that process
# has exited (128 + signal when killed by one).
#
# Arguments: the size of each run's /tmp and /dev/shm in bytes, and the slot's index: the zygote
# and its runs stay on one CPU of those it may use (slot modulo their count), so that the
# copy-on-write faults of a run and of the zygote flush only that CPU's TLB (on a 2-core VM the
# cross-CPU flushes cost a fifth of the closed loop's throughput: docs/benchmarks.md).
import atexit
import ctypes
import gc
import os
import signal
import sys

libc = ctypes.CDLL(None, use_errno=True)
libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
# Looked up here rather than by each run (the first call of a libc function through ctypes looks
# its symbol up, a cost every run would pay again).
libc.unshare.argtypes = [ctypes.c_int]
libc.capset.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
# The interpreter's own symbols (and libc's, through them), called with the GIL held.
PYTHON = ctypes.PyDLL(None, use_errno=True)
PYTHON.syscall.restype = ctypes.c_long
PYTHON.syscall.argtypes = [ctypes.c_long] + [ctypes.c_ulong] * 5
PYTHON.PyOS_AfterFork_Child  # looked up once here, as libc.unshare above: only the runs call it
# clone(2): its number, and where the child's thread id pointer goes (x86-64 swaps it with tls).
SYS_CLONE, CHILD_TID_ARGUMENT = {"x86_64": (56, 3), "aarch64": (220, 4)}[os.uname().machine]

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWPID, CLONE_NEWNET, CLONE_CHILD_SETTID = 0x20000000, 0x40000000, 0x01000000
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_PRIVATE = 2, 4, 8, 0x4000, 0x40000
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
# What each run's process passes to libc, made once here (create_string_buffer adds a NUL).
SECCOMP_PROGRAM = SockFprog((len(FILTER) - 1) // 8, ctypes.cast(FILTER, ctypes.c_void_p))
NO_CAPABILITIES = (ctypes.byref(CapHeader(LINUX_CAPABILITY_VERSION_3, 0)), ctypes.byref((CapData * 2)()))
TMPFS_OPTIONS = ("size=%d,mode=1777" % int(sys.argv[1])).encode()
# The runs' network namespace: one of the zygote's own, with no interface up (bwrap brings up the
# loopback of the sandbox's), made once here. A namespace per run cost 1.5-2.5 ms of CPU each
# (made in the run, torn down by a kernel worker); sharing this one keeps runs apart because no
# run can leave anything in it behind: without an interface up nothing connects (no connection, no
# TIME_WAIT), without capabilities nothing is configured, and a socket closes with the process that
# holds it, which is gone (its whole pid namespace) before the slot's next run is told to start.
check(libc.unshare(CLONE_NEWNET), "unshare network")
CPUS = sorted(os.sched_getaffinity(0))
os.sched_setaffinity(0, {CPUS[int(sys.argv[2]) % len(CPUS)]})


def thread_id_field():
    """The address of this thread's id in glibc's descriptor of it. glibc's fork has the kernel
    write the child's id there (CLONE_CHILD_SETTID); so does fork_run, or the run's main thread
    would carry the zygote's id (signals sent to it by its other threads, its CPU clock). The field
    is where this thread's descriptor and a second thread's both hold their own thread's id, each
    looked at by its own thread while it runs (a finished thread's id is zeroed by the kernel)."""
    libc.pthread_self.restype = ctypes.c_void_p

    def own_offsets():
        descriptor, tid = libc.pthread_self(), libc.gettid()
        holding = {o for o in range(0, 2048, 4) if ctypes.c_int.from_address(descriptor + o).value == tid}
        return descriptor, holding

    import _thread

    other = []
    done = _thread.allocate_lock()
    done.acquire()
    _thread.start_new_thread(lambda: (other.append(own_offsets()), done.release()), ())
    done.acquire()
    descriptor, offsets = own_offsets()
    offsets &= other[0][1]
    if len(offsets) != 1:
        raise SystemExit("zygote: glibc's thread id field not found (%s)" % sorted(offsets))
    return descriptor + offsets.pop()


THREAD_ID = thread_id_field()
CLONE_ARGUMENTS = [CLONE_NEWPID | CLONE_CHILD_SETTID | signal.SIGCHLD, 0, 0, 0, 0]
CLONE_ARGUMENTS[CHILD_TID_ARGUMENT] = THREAD_ID

# The runs' code: boot.py's functions, and what they import, loaded once here.
BOOT = {"__name__": "boot", "__builtins__": __builtins__}
with open("/harness/boot.py", "rb") as f:
    exec(compile(f.read(), "/harness/boot.py", "exec"), BOOT)

prctl(PR_SET_DUMPABLE, 0)  # no run may read this process's memory through /proc
# Every object made so far leaves the collector's generations: a run's collections then never walk
# (and so never write to, and copy) the zygote's pages.
gc.collect()
gc.freeze()
os.write(1, b"ready\n")


def drop_privileges():
    """Everything the zygote may do and a run may not: gone for good, before candidate code."""
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)
    for cap in range(64):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            break  # past the last capability this kernel knows
    prctl(PR_SET_NO_NEW_PRIVS, 1)
    check(libc.capset(*NO_CAPABILITIES), "capset")
    check(libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(SECCOMP_PROGRAM), 0, 0), "seccomp")


def exit_like_python(code):
    """What the interpreter does at exit: wait for non-daemon threads, run atexit, flush."""
    if code is None:
        code = 0
    elif not isinstance(code, int):
        sys.stderr.write("%s\n" % (code,))
        code = 1
    if "threading" in sys.modules:
        sys.modules["threading"]._shutdown()
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
    return (128 + os.WTERMSIG(status)) & 0xFF


def tmpfs(path):
    check(libc.mount(b"tmpfs", path, b"tmpfs", MS_NOSUID | MS_NODEV, TMPFS_OPTIONS), "mount " + path.decode())


def keep_only(fds):
    """Closes every descriptor but 0-2 and these (never the zygote's control pipes)."""
    null = os.open("/dev/null", os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)  # never the zygote's control pipes
    os.close(null)
    low = 3
    for fd in sorted(fds):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, 65536)


def run_process(go, ready):
    """pid 1 of the run's pid namespace: takes the run's other namespaces and mounts, drops every
    privilege, waits until the runner has moved it into the run's cgroup and said go; then takes the
    run's files as its stdin, stdout and stderr and runs boot.py's main()."""
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # the zygote gone: so is the run (and its namespace)
    keep_only((go, ready))
    check(libc.unshare(CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS), "unshare")
    check(libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "mount private")
    tmpfs(b"/tmp")
    tmpfs(b"/dev/shm")
    os.setsid()  # the session is the run's, as in a sandbox of its own
    check(libc.mount(b"proc", b"/proc", b"proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None), "mount /proc")
    drop_privileges()
    prctl(PR_SET_DUMPABLE, 1)  # its own /proc/self, as in any sandbox
    os.write(ready, b"r")
    os.close(ready)
    if os.read(go, 1) != b"g":
        os._exit(0)  # the zygote is gone or closing
    for fd, name, flags in (
        (0, "/io/stdin", os.O_RDONLY),
        (1, "/io/stdout", os.O_WRONLY | os.O_APPEND),
        (2, "/io/stderr", os.O_WRONLY | os.O_APPEND),
    ):
        opened = os.open(name, flags | os.O_NOFOLLOW | os.O_CLOEXEC)
        os.dup2(opened, fd)  # dup2's copy is inheritable
        os.close(opened)
    os.closerange(3, 65536)
    # Signal dispositions are the zygote's, which never changed Python's defaults.
    code = 0
    try:
        BOOT["main"]()
    except SystemExit as exit:
        code = exit.code
    exit_like_python(code)


def fork_run():
    """os.fork(), with the child as pid 1 of a new pid namespace: clone(2) with CLONE_NEWPID and the
    child's thread id written where glibc keeps it (as glibc's fork does), wrapped in the
    interpreter's fork hooks as os.fork wraps fork(2), with the GIL held throughout (PyDLL).
    unshare(CLONE_NEWPID) would need a process between the zygote and each run (it moves only the
    caller's next children, once), and a fork and exit of this interpreter costs 3-5 ms here."""
    PYTHON.PyOS_BeforeFork()
    pid = PYTHON.syscall(SYS_CLONE, *CLONE_ARGUMENTS)
    if pid == 0:
        PYTHON.PyOS_AfterFork_Child()
        return 0
    errno = ctypes.get_errno() if pid < 0 else 0  # read only when needed: each call costs page faults
    PYTHON.PyOS_AfterFork_Parent()
    if pid < 0:
        raise OSError(errno, "clone")
    return pid


class Prepared:
    """The next run's process, forked ahead of the request and waiting for go."""

    def __init__(self):
        go_read, self.go = os.pipe()
        ready, ready_write = os.pipe()
        self.pid = fork_run()
        if self.pid == 0:
            try:
                run_process(go_read, ready_write)
            finally:
                os._exit(125)  # never back into the zygote's loop
        os.close(go_read)
        os.close(ready_write)
        self.ready = ready

    def wait_status(self):
        """The run's exit status (128 + signal when killed by one)."""
        return status_code(os.waitpid(self.pid, 0)[1])

    def wait_ready(self):
        """True once the run's process waits; False when it died on the way."""
        ready = os.read(self.ready, 1) == b"r"
        os.close(self.ready)
        return ready


def serve():
    prepared = Prepared()
    while True:
        if not prepared.wait_ready():
            os._exit(3)  # could not prepare a run: the runner replaces this zygote
        os.write(1, b"prepared\n")
        line = b""
        while not line.endswith(b"\n"):
            chunk = os.read(0, 1)
            if not chunk:
                os._exit(0)  # the runner closed us
            line += chunk
        if line != b"run\n":
            os._exit(2)
        running = prepared
        os.write(running.go, b"g")
        os.close(running.go)
        prepared = Prepared()  # the next run's process starts while this one runs
        os.write(1, EXITS[running.wait_status()])


# Every exit message made now, so that reporting a run's end allocates nothing in this process.
EXITS = [b"exit %d\n" % code for code in range(256)]
serve()
