// A multi-threaded i386 program for tests/scripts/e2e_threads.sh: until gate386 runs threads, its
// pthread_create (clone with CLONE_VM) must fail cleanly -- one line from gate386 on stderr, an
// error code from pthread_create, the program carrying on -- never a hang or a crash.
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static int shared;

static void* worker(void* arg) {
    shared = 42;
    return arg;
}

int main(void) {
    pthread_t t;
    int r = pthread_create(&t, NULL, worker, NULL);
    if (r != 0) {
        printf("pthread_create: %s\n", strerror(r));
        // A second attempt must fail the same way, without a second message.
        r = pthread_create(&t, NULL, worker, NULL);
        printf("again: %s\n", strerror(r));
        return 3;
    }
    pthread_join(t, NULL);
    printf("thread ran, shared=%d\n", shared);
    return 0;
}
