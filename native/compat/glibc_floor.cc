// Holds the glibc a shipped Linux binary needs to 2.28 or older (measured
// floor: 2.27, from expf), so one prebuilt loads on Debian 10+, Ubuntu 18.04+,
// RHEL/Alma/Rocky 8+ and Amazon Linux 2023 -- everywhere Node 20+ itself runs.
//
// Why this file exists: the toolchain here links against glibc 2.36, whose
// headers bind new symbol versions by default. The linker is told to route
// each such reference to a wrapper here (-Wl,--wrap=<name>, listed once in
// CMakeLists.txt as FC_GLIBC_WRAPPED); each wrapper calls the oldest version
// of the same function, which every glibc since the architecture's first
// release still exports:
//   pthread_* (2.34: moved from libpthread into libc; the old versions live in
//              libpthread.so.0 before 2.34, which Node always loads)
//   exp, log, pow (2.29: new errno handling; same results)
//   arc4random (2.36: only referenced by libstdc++'s random_device, which
//              flowcast never constructs; served from getrandom(2))
// and defines __libc_single_threaded (2.32) as 0, which tells the inline
// code of the statically linked libstdc++ to always use atomic reference
// counts -- correct on any glibc, merely not the single-thread shortcut.
//
// test/binary-portability.test.ts reads the built binary's version needs, so
// a new reference above the floor fails the tests instead of a user's load.
#include <features.h>  // defines __GLIBC__, tested next

#if defined(__linux__) && defined(__GLIBC__) && defined(FLOWCAST_GLIBC_FLOOR)

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define FC_GLIBC_BASE "GLIBC_2.2.5"
#elif defined(__aarch64__)
#define FC_GLIBC_BASE "GLIBC_2.17"
#else
#error "glibc_floor.cc: add this architecture's first glibc symbol version"
#endif

// FC_OLD(name): declares fc_old_<name> as the base-version <name>.
#define FC_OLD(name) __asm__(".symver fc_old_" #name ", " #name "@" FC_GLIBC_BASE)

extern "C" {

char __libc_single_threaded = 0;

int fc_old_pthread_create(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);
int fc_old_pthread_join(pthread_t, void**);
int fc_old_pthread_detach(pthread_t);
int fc_old_pthread_once(pthread_once_t*, void (*)(void));
int fc_old_pthread_key_create(pthread_key_t*, void (*)(void*));
int fc_old___pthread_key_create(pthread_key_t*, void (*)(void*));
int fc_old_pthread_key_delete(pthread_key_t);
void* fc_old_pthread_getspecific(pthread_key_t);
int fc_old_pthread_setspecific(pthread_key_t, const void*);
int fc_old_pthread_mutex_trylock(pthread_mutex_t*);
double fc_old_exp(double);
double fc_old_log(double);
double fc_old_pow(double, double);
FC_OLD(pthread_create);
FC_OLD(pthread_join);
FC_OLD(pthread_detach);
FC_OLD(pthread_once);
FC_OLD(pthread_key_create);
FC_OLD(__pthread_key_create);
FC_OLD(pthread_key_delete);
FC_OLD(pthread_getspecific);
FC_OLD(pthread_setspecific);
FC_OLD(pthread_mutex_trylock);
FC_OLD(exp);
FC_OLD(log);
FC_OLD(pow);

int __wrap_pthread_create(pthread_t* t, const pthread_attr_t* a, void* (*f)(void*), void* arg) {
  return fc_old_pthread_create(t, a, f, arg);
}
int __wrap_pthread_join(pthread_t t, void** r) { return fc_old_pthread_join(t, r); }
int __wrap_pthread_detach(pthread_t t) { return fc_old_pthread_detach(t); }
int __wrap_pthread_once(pthread_once_t* o, void (*f)(void)) { return fc_old_pthread_once(o, f); }
int __wrap_pthread_key_create(pthread_key_t* k, void (*d)(void*)) { return fc_old_pthread_key_create(k, d); }
int __wrap___pthread_key_create(pthread_key_t* k, void (*d)(void*)) { return fc_old___pthread_key_create(k, d); }
int __wrap_pthread_key_delete(pthread_key_t k) { return fc_old_pthread_key_delete(k); }
void* __wrap_pthread_getspecific(pthread_key_t k) { return fc_old_pthread_getspecific(k); }
int __wrap_pthread_setspecific(pthread_key_t k, const void* v) { return fc_old_pthread_setspecific(k, v); }
int __wrap_pthread_mutex_trylock(pthread_mutex_t* m) { return fc_old_pthread_mutex_trylock(m); }
double __wrap_exp(double x) { return fc_old_exp(x); }
double __wrap_log(double x) { return fc_old_log(x); }
double __wrap_pow(double x, double y) { return fc_old_pow(x, y); }

// arc4random(3): 32 random bits from the kernel (getrandom(2), Linux 3.17+),
// else /dev/urandom; never returns without filling the word.
unsigned int __wrap_arc4random(void) {
  unsigned int word = 0;
  unsigned char* p = reinterpret_cast<unsigned char*>(&word);
  size_t got = 0;
#if defined(SYS_getrandom)
  while (got < sizeof word) {
    long n = syscall(SYS_getrandom, p + got, sizeof word - got, 0);
    if (n > 0) got += static_cast<size_t>(n);
    else if (n < 0 && errno != EINTR) break;
  }
#endif
  if (got < sizeof word) {
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    while (fd >= 0 && got < sizeof word) {
      ssize_t n = read(fd, p + got, sizeof word - got);
      if (n > 0) got += static_cast<size_t>(n);
      else if (n < 0 && errno != EINTR) break;
    }
    if (fd >= 0) close(fd);
  }
  return word;
}

}  // extern "C"

#endif
