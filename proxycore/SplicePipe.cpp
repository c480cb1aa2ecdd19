#include "SplicePipe.h"

#ifdef Q_OS_LINUX
#include <fcntl.h>
#include <unistd.h>
#include <utility>
#include <vector>
#endif

namespace Switchyard {

#ifdef Q_OS_LINUX
namespace {

// Enough for the tunnels that move bulk data at the same moment; the rest are
// closed rather than kept, so descriptors stay with the connections.
constexpr std::size_t kPoolLimit = 32;

struct PipePool
{
    std::vector<std::pair<int, int>> pipes;
    ~PipePool()
    {
        for (const auto& [readFd, writeFd] : pipes) {
            ::close(readFd);
            ::close(writeFd);
        }
    }
};

PipePool& pool()
{
    static thread_local PipePool instance;
    return instance;
}

} // namespace
#endif

SplicePipe::~SplicePipe()
{
    release();
}

bool SplicePipe::acquire()
{
#ifdef Q_OS_LINUX
    if (m_readFd >= 0)
        return true;
    PipePool& cache = pool();
    if (!cache.pipes.empty()) {
        std::tie(m_readFd, m_writeFd) = cache.pipes.back();
        cache.pipes.pop_back();
        pending = 0;
        return true;
    }
    int fds[2];
    if (::pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0)
        return false;
    // A bigger pipe moves a bulk transfer in fewer system calls; pages are
    // only held while bytes sit in it. Failing to grow it is harmless.
    ::fcntl(fds[1], F_SETPIPE_SZ, int(capacity));
    m_readFd = fds[0];
    m_writeFd = fds[1];
    pending = 0;
    return true;
#else
    return false;
#endif
}

void SplicePipe::release()
{
#ifdef Q_OS_LINUX
    if (m_readFd < 0)
        return;
    PipePool& cache = pool();
    if (pending == 0 && cache.pipes.size() < kPoolLimit) {
        cache.pipes.emplace_back(m_readFd, m_writeFd);
    } else {
        ::close(m_readFd);
        ::close(m_writeFd);
    }
    m_readFd = -1;
    m_writeFd = -1;
    pending = 0;
#endif
}

} // namespace Switchyard
