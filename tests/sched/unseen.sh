#!/bin/sh
# unseen.sh LIBRARY - the code a controlled thread runs before ThreadSanitizer knows it
# calls nothing that ThreadSanitizer instruments.
#
# Under a race detector, the controlled mode's trampoline (sched/thread.c, vsp_thread_main)
# binds the new thread's scheduler slot before the detector's own start routine has set
# up the thread. An instrumented function called there enters __tsan_func_entry with no
# thread state and crashes (a NULL read). It happened only when the scheduler's lock was
# taken at that moment: the lock's pause hint was an out-of-line, instrumented function.
# So this reads the library's machine code rather than waiting for that timing: from
# vsp_sched_bind and vsp_in_runtime, every function they reach inside the library must
# have no call into the detector, and vsp_thread_main itself none either (what it calls
# after the detector's routine is not its concern here).
set -eu
lib=$1
command -v objdump >/dev/null || { echo "unseen: objdump (binutils) is needed" >&2; exit 2; }
objdump -d --no-show-raw-insn "$lib" | awk '
    /^[0-9a-f]+ <[^>]+>:$/ { fn = $2; gsub(/[<>:]/, "", fn); seen[fn] = 1; next }
    fn != "" && /\tcall/ && match($0, /<[^>]+>/) {
        t = substr($0, RSTART + 1, RLENGTH - 2)
        sub(/\+0x[0-9a-f]+$/, "", t)
        calls[fn] = calls[fn] " " t
    }
    function tsan_calls(f,   n, c, i, out) {
        n = split(calls[f], c, " ")
        out = ""
        for (i = 1; i <= n; i++)
            if (c[i] ~ /^__tsan_/)
                out = out " " c[i]
        return out
    }
    END {
        bad = 0
        for (r = split("vsp_thread_main vsp_sched_bind", need, " "); r > 0; r--)
            if (!(need[r] in seen)) {
                print "unseen: " need[r] " is not in the library" > "/dev/stderr"
                exit 2
            }
        if (tsan_calls("vsp_thread_main") != "") {
            print "unseen: vsp_thread_main calls" tsan_calls("vsp_thread_main")
            bad = 1
        }
        n = 0
        queue[n++] = "vsp_sched_bind"
        if ("vsp_in_runtime" in seen)
            queue[n++] = "vsp_in_runtime"
        for (i = 0; i < n; i++) {
            f = queue[i]
            if (f in done)
                continue
            done[f] = 1
            checked++
            if (tsan_calls(f) != "") {
                print "unseen: " f " (reached before the detector knows the thread) calls" \
                      tsan_calls(f)
                bad = 1
            }
            m = split(calls[f], c, " ")
            for (j = 1; j <= m; j++)
                if (c[j] in seen && c[j] !~ /@plt$/)
                    queue[n++] = c[j]
        }
        if (bad)
            exit 1
        print "unseen: " checked " function(s) reached before the detector knows the thread, " \
              "none instrumented"
    }'
