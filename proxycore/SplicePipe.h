#pragma once

#include <QtGlobal>

namespace Switchyard {

/// A kernel pipe that carries tunnel bytes from one socket to another with
/// splice(2), so that bulk tunnel traffic is never copied through user space
/// (Linux only; available() is false elsewhere). Pipes come from a small pool
/// per engine thread and go back to it as soon as they are empty, so an idle
/// tunnel holds no pipe and no extra descriptors.
class SplicePipe
{
public:
    SplicePipe() = default;
    ~SplicePipe();
    SplicePipe(const SplicePipe&) = delete;
    SplicePipe& operator=(const SplicePipe&) = delete;

    /// Whether this platform can splice at all.
    static constexpr bool available()
    {
#ifdef Q_OS_LINUX
        return true;
#else
        return false;
#endif
    }
    /// How many bytes one pipe holds.
    static constexpr qint64 capacity = 256 * 1024;

    /// Takes a pipe from the pool (or makes one); false if none can be had (out
    /// of descriptors), and the caller copies instead.
    bool acquire();
    /// Gives an empty pipe back to the pool; one that still holds bytes is closed.
    void release();
    bool isOpen() const
    {
        return m_readFd >= 0;
    }
    int readFd() const
    {
        return m_readFd;
    }
    int writeFd() const
    {
        return m_writeFd;
    }
    /// Bytes spliced in and not yet spliced out.
    qint64 pending = 0;

private:
    int m_readFd = -1;
    int m_writeFd = -1;
};

} // namespace Switchyard
