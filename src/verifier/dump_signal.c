/*
 * verifier/dump_signal.c - the lock dump on a signal: VPSPIN_DUMP_SIGNAL (read before main; a
 * name such as SIGQUIT or QUIT, or a number; unset, empty or 0: none).
 *
 * A dump allocates, takes mutexes and reads debug info, none of which a signal handler
 * may do: the handler only posts a semaphore (async-signal-safe), and a thread started
 * with the library, "vpspin-dump", waits on it and writes the dump to stderr. So the
 * signal can arrive at any moment, in any thread, even one inside malloc or holding a
 * lock the dump needs. A forked child has no such thread: there the signal does nothing.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sched/sched.h"
#include "verifier/dump.h"

static sem_t vsp_dump_sem;

static void vsp_dump_handler(int sig)
{
    (void)sig;
    int saved = errno;
    sem_post(&vsp_dump_sem);
    errno = saved;
}

static void *vsp_dump_main(void *arg)
{
    (void)arg;
    pthread_setname_np(pthread_self(), "vpspin-dump");
    for (;;) {
        while (sem_wait(&vsp_dump_sem) != 0)
            ; /* EINTR */
        vsp_dump_write(stderr, "on signal");
    }
    return NULL;
}

/* The signal VPSPIN_DUMP_SIGNAL names, 0 for none, -1 if it names none that can be caught. */
static int vsp_dump_signal_from(const char *s)
{
    static const struct {
        const char *name;
        int sig;
    } names[] = {{"QUIT", SIGQUIT}, {"USR1", SIGUSR1}, {"USR2", SIGUSR2},   {"HUP", SIGHUP},
                 {"INT", SIGINT},   {"TERM", SIGTERM}, {"WINCH", SIGWINCH}, {"PWR", SIGPWR},
                 {"TSTP", SIGTSTP}, {"CONT", SIGCONT}, {"ALRM", SIGALRM}};
    if (strcmp(s, "0") == 0)
        return 0;
    const char *name = strncasecmp(s, "SIG", 3) == 0 ? s + 3 : s;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcasecmp(name, names[i].name) == 0)
            return names[i].sig;
    char *end;
    errno = 0;
    long n = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || end == s || n <= 0 || n > SIGRTMAX || n == SIGKILL ||
        n == SIGSTOP)
        return -1;
    return (int)n;
}

__attribute__((constructor)) static void vsp_dump_signal_init(void)
{
    const char *s = getenv("VPSPIN_DUMP_SIGNAL");
    if (s == NULL || *s == '\0')
        return;
    int sig = vsp_dump_signal_from(s);
    if (sig < 0) {
        fprintf(stderr,
                "vpspin: VPSPIN_DUMP_SIGNAL=%s is not a signal that can be caught (a name such "
                "as SIGQUIT, or a number); no dump on a signal\n",
                s);
        return;
    }
    if (sig == 0)
        return;
    pthread_t th;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = vsp_dump_handler;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    if (sem_init(&vsp_dump_sem, 0, 0) != 0 || vsp_sched_create_raw(&th, vsp_dump_main, NULL) != 0 ||
        sigaction(sig, &sa, NULL) != 0) {
        fprintf(stderr, "vpspin: VPSPIN_DUMP_SIGNAL=%s: cannot set up the dump: %s\n", s,
                strerror(errno));
        return;
    }
    pthread_detach(th);
}
