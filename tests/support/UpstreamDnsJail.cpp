#include "UpstreamDnsJail.h"

#include <QDir>
#include <QFile>
#include <arpa/inet.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <netinet/in.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

struct JailState
{
    bool active = false;
    QString error;
    QString nameserver;
    int sinkFd = -1;
    int queries = 0;
    QByteArray directory; ///< holds the private hosts and resolv.conf
};

JailState& state()
{
    static JailState jail;
    return jail;
}

void removeFiles()
{
    const QByteArray& dir = state().directory;
    if (dir.isEmpty())
        return;
    ::unlink((dir + "/hosts").constData());
    ::unlink((dir + "/resolv.conf").constData());
    ::rmdir(dir.constData());
}

QString errnoText(const char* what)
{
    return QStringLiteral("%1: %2").arg(QLatin1StringView(what),
                                        QString::fromLocal8Bit(std::strerror(errno)));
}

// Binds a UDP socket to port 53 of some 127.53.x.y; the x.y come from the pid so
// that test processes running side by side each get their own sink.
bool openSink(JailState* jail)
{
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        jail->error = errnoText("socket");
        return false;
    }
    const quint32 seed = quint32(::getpid());
    for (quint32 attempt = 0; attempt < 64; ++attempt) {
        const quint32 low = (seed + attempt * 7919u) & 0xffffu;
        const quint32 address = (127u << 24) | (53u << 16) | (low == 0 ? 1u : low);
        sockaddr_in sin{};
        sin.sin_family = AF_INET;
        sin.sin_port = htons(53);
        sin.sin_addr.s_addr = htonl(address);
        if (::bind(fd, reinterpret_cast<const sockaddr*>(&sin), sizeof sin) == 0) {
            char text[INET_ADDRSTRLEN] = {};
            ::inet_ntop(AF_INET, &sin.sin_addr, text, sizeof text);
            jail->sinkFd = fd;
            jail->nameserver = QString::fromLatin1(text);
            return true;
        }
    }
    jail->error = errnoText("bind a DNS sink on 127.53.x.y:53");
    ::close(fd);
    return false;
}

bool writeFile(const QString& path, const QByteArray& content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
           file.write(content) == content.size() && file.flush();
}

} // namespace

QByteArray UpstreamDnsJail::hostsFile(const QList<HostsEntry>& hosts)
{
    QByteArray text = "127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n";
    for (const HostsEntry& entry : hosts)
        text += entry.second.toLatin1() + ' ' + entry.first.toLatin1() + '\n';
    return text;
}

QByteArray UpstreamDnsJail::resolvConf()
{
    const JailState& jail = state();
    // Without a sink, 127.0.0.1: still loopback, never the machine's resolver.
    const QByteArray server =
        jail.nameserver.isEmpty() ? QByteArray("127.0.0.1") : jail.nameserver.toLatin1();
    return "nameserver " + server + "\noptions timeout:1 attempts:1\n";
}

bool UpstreamDnsJail::enter(const QList<HostsEntry>& hosts)
{
    JailState& jail = state();
    if (jail.active)
        return true;
    if (!openSink(&jail))
        return false;

    QByteArray pattern = QDir::tempPath().toLocal8Bit() + "/switchyard-dnsjail-XXXXXX";
    if (!::mkdtemp(pattern.data())) {
        jail.error = errnoText("mkdtemp");
        return false;
    }
    const QString dir = QString::fromLocal8Bit(pattern);
    const QString hostsPath = dir + QStringLiteral("/hosts");
    const QString resolvPath = dir + QStringLiteral("/resolv.conf");
    bool ok = writeFile(hostsPath, hostsFile(hosts)) && writeFile(resolvPath, resolvConf());
    if (!ok)
        jail.error =
            QStringLiteral("cannot write the private hosts and resolv.conf in %1").arg(dir);

    if (ok && ::unshare(CLONE_NEWNS) != 0) {
        jail.error = errnoText("unshare(CLONE_NEWNS)");
        ok = false;
    }
    // Private propagation first, so the bind mounts below never reach the host.
    if (ok && ::mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
        jail.error = errnoText("make / private");
        ok = false;
    }
    if (ok && ::mount(QFile::encodeName(hostsPath).constData(), "/etc/hosts", nullptr, MS_BIND,
                      nullptr) != 0) {
        jail.error = errnoText("bind-mount /etc/hosts");
        ok = false;
    }
    if (ok && ::mount(QFile::encodeName(resolvPath).constData(), "/etc/resolv.conf", nullptr,
                      MS_BIND, nullptr) != 0) {
        jail.error = errnoText("bind-mount /etc/resolv.conf");
        ok = false;
    }
    // The files stay while the process lives: gVisor refuses to mount over a bind
    // mount whose source was deleted, and the daemons' namespaces do exactly that.
    jail.directory = QFile::encodeName(dir);
    std::atexit(removeFiles);

    if (!ok) {
        ::close(jail.sinkFd);
        jail.sinkFd = -1;
        jail.nameserver.clear();
        return false;
    }
    jail.active = true;
    return true;
}

bool UpstreamDnsJail::active()
{
    return state().active;
}

QString UpstreamDnsJail::errorString()
{
    return state().error;
}

QString UpstreamDnsJail::nameserver()
{
    return state().nameserver;
}

int UpstreamDnsJail::queriesSeen()
{
    JailState& jail = state();
    if (jail.sinkFd < 0)
        return 0;
    char buffer[1500];
    while (::recv(jail.sinkFd, buffer, sizeof buffer, MSG_DONTWAIT) >= 0)
        ++jail.queries;
    return jail.queries;
}
