#include "OpenFilesLimit.h"

#include <QtGlobal>

#ifdef Q_OS_UNIX
#include <climits>
#include <sys/resource.h>
#endif

namespace Switchyard {

void raiseOpenFilesLimit()
{
#ifdef Q_OS_UNIX
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max)
        return;
    rlim_t wanted = limit.rlim_max;
#ifdef Q_OS_MACOS
    // macOS refuses more than OPEN_MAX per process, whatever the hard limit says.
    if (wanted > rlim_t(OPEN_MAX))
        wanted = rlim_t(OPEN_MAX);
#endif
    if (wanted <= limit.rlim_cur)
        return;
    limit.rlim_cur = wanted;
    // A refusal leaves the old limit, which still works, only for fewer clients.
    ::setrlimit(RLIMIT_NOFILE, &limit);
#endif
}

} // namespace Switchyard
