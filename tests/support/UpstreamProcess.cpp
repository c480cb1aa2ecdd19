#include "UpstreamProcess.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QHostAddress>
#include <QTcpSocket>
#include <cerrno>
#include <csignal>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

namespace {

// Exit codes of the child when the private namespace cannot be set up (before exec).
constexpr int kUnshareFailed = 120;
constexpr int kMountFailed = 121;

QString lastLines(const QByteArray& text, int count)
{
    QList<QByteArray> lines = text.trimmed().split('\n');
    if (lines.size() > count)
        lines = lines.mid(lines.size() - count);
    return QString::fromUtf8(lines.join('\n'));
}

} // namespace

UpstreamProcess::UpstreamProcess()
{
    // World-writable: squid drops to the "proxy" user before it opens its logs.
    QFile::setPermissions(
        m_dir.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner |
                          QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup |
                          QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther);
}

UpstreamProcess::~UpstreamProcess()
{
    stop();
}

QString UpstreamProcess::filePath(const QString& name) const
{
    return m_dir.filePath(name);
}

bool UpstreamProcess::writeFile(const QString& name, const QByteArray& content)
{
    QFile file(filePath(name));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        file.write(content) != content.size()) {
        m_error = QStringLiteral("cannot write %1: %2").arg(file.fileName(), file.errorString());
        return false;
    }
    // Readable by a daemon that has dropped its privileges.
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup |
                        QFileDevice::ReadOther);
    return true;
}

void UpstreamProcess::setPrivateHosts(const QList<UpstreamDnsJail::HostsEntry>& hosts)
{
    m_hosts = hosts;
}

QByteArray UpstreamProcess::readFile(const QString& name) const
{
    QFile file(filePath(name));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QByteArray UpstreamProcess::output() const
{
    return readFile(QStringLiteral("output.log"));
}

QString UpstreamProcess::diagnostics(const QStringList& logFiles) const
{
    QString text = QStringLiteral("output:\n") + lastLines(output(), 8);
    for (const QString& name : logFiles)
        text += QStringLiteral("\n%1:\n").arg(name) + lastLines(readFile(name), 8);
    return text;
}

bool UpstreamProcess::portAccepts(quint16 port, int timeoutMs)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress(QHostAddress::LocalHost), port);
    const bool connected = socket.waitForConnected(timeoutMs);
    socket.abort();
    return connected;
}

bool UpstreamProcess::start(const QString& program, const QStringList& arguments,
                            const QList<quint16>& readyPorts, int timeoutMs)
{
    if (isRunning())
        return true;
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("no temporary directory: %1").arg(m_dir.errorString());
        return false;
    }
    const bool privateHosts = !m_hosts.isEmpty();
    if (privateHosts && (!writeFile(QStringLiteral("hosts"), UpstreamDnsJail::hostsFile(m_hosts)) ||
                         !writeFile(QStringLiteral("resolv.conf"), UpstreamDnsJail::resolvConf())))
        return false;

    // Everything the child needs after fork is prepared here: no allocation there.
    const QByteArray hostsPath = QFile::encodeName(filePath(QStringLiteral("hosts")));
    const QByteArray resolvPath = QFile::encodeName(filePath(QStringLiteral("resolv.conf")));
    m_process.setChildProcessModifier([privateHosts, hostsPath, resolvPath] {
        ::setsid(); // its own process group: stop() signals helpers and children too
        if (!privateHosts)
            return;
        if (::unshare(CLONE_NEWNS) != 0)
            ::_exit(kUnshareFailed);
        if (::mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
            ::mount(hostsPath.constData(), "/etc/hosts", nullptr, MS_BIND, nullptr) != 0 ||
            ::mount(resolvPath.constData(), "/etc/resolv.conf", nullptr, MS_BIND, nullptr) != 0)
            ::_exit(kMountFailed);
    });
    m_process.setStandardInputFile(QProcess::nullDevice());
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.setStandardOutputFile(filePath(QStringLiteral("output.log")), QIODevice::Append);
    m_ports = readyPorts;
    m_process.start(program, arguments);
    if (!m_process.waitForStarted(5000)) {
        m_error = QStringLiteral("cannot start %1: %2").arg(program, m_process.errorString());
        return false;
    }
    m_pid = m_process.processId();

    const QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        if (m_process.state() == QProcess::NotRunning) {
            const int code = m_process.exitCode();
            m_error = QStringLiteral("%1 exited (%2) before it was ready").arg(program).arg(code);
            if (code == kUnshareFailed || code == kMountFailed)
                m_error += QStringLiteral(": cannot set up a private /etc/hosts (mount namespace)");
            m_pid = 0;
            return false;
        }
        bool ready = true;
        for (quint16 port : readyPorts)
            ready = ready && portAccepts(port);
        if (ready)
            return true;
        if (deadline.hasExpired()) {
            m_error = QStringLiteral("%1 did not accept connections within %2 ms")
                          .arg(program)
                          .arg(timeoutMs);
            stop(0);
            return false;
        }
        m_process.waitForFinished(20); // a bounded sleep that ends early if it dies
    }
}

bool UpstreamProcess::waitForGroupGone(int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (::kill(pid_t(-m_pid), 0) == 0) {
        if (deadline.hasExpired())
            return false;
        ::usleep(10'000);
    }
    return true;
}

void UpstreamProcess::stop(int graceMs)
{
    if (m_pid == 0)
        return;
    if (m_process.state() != QProcess::NotRunning) {
        ::kill(pid_t(-m_pid), graceMs > 0 ? SIGTERM : SIGKILL);
        if (!m_process.waitForFinished(graceMs > 0 ? graceMs : 5000)) {
            ::kill(pid_t(-m_pid), SIGKILL);
            m_process.waitForFinished(5000);
        }
    }
    // Children of the daemon (dante's, squid's helpers) follow their parent out.
    if (!waitForGroupGone(graceMs > 0 ? 1000 : 0)) {
        ::kill(pid_t(-m_pid), SIGKILL);
        waitForGroupGone(2000);
    }
    const QDeadlineTimer deadline(3000);
    for (quint16 port : std::as_const(m_ports)) {
        while (portAccepts(port, 100) && !deadline.hasExpired())
            ::usleep(20'000);
    }
    m_pid = 0;
}
