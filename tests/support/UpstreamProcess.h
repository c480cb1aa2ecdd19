#pragma once

#include "UpstreamDnsJail.h"

#include <QList>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

/// One upstream proxy daemon from a Debian package (squid, microsocks, danted) run
/// for a test: a private temporary directory for its configuration, logs and pid
/// file, its own process group (so helpers and children go with it), standard
/// output and error in dir/output.log. Every wait is bounded.
///
/// With private hosts the daemon runs in a mount namespace of its own whose
/// /etc/hosts holds just those names and whose /etc/resolv.conf names the DNS sink
/// of UpstreamDnsJail (or 127.0.0.1): the exit can resolve names that the engine's
/// machine cannot, and a name it does not know never reaches a real resolver.
class UpstreamProcess
{
public:
    UpstreamProcess();
    ~UpstreamProcess();
    UpstreamProcess(const UpstreamProcess&) = delete;
    UpstreamProcess& operator=(const UpstreamProcess&) = delete;

    /// The private directory (0755, so a daemon that drops privileges can read it).
    QString filePath(const QString& name) const;
    bool writeFile(const QString& name, const QByteArray& content);

    /// Before start(): run the daemon behind a private /etc/hosts with these names.
    void setPrivateHosts(const QList<UpstreamDnsJail::HostsEntry>& hosts);

    /// Starts program and waits until every port in readyPorts accepts a TCP
    /// connection on 127.0.0.1, or the daemon exits, or timeoutMs passes.
    bool start(const QString& program, const QStringList& arguments,
               const QList<quint16>& readyPorts, int timeoutMs = 10'000);
    /// SIGTERM to the process group, SIGKILL after graceMs; then waits (bounded)
    /// until the ports refuse connections. Safe to call twice.
    void stop(int graceMs = 3000);
    /// SIGKILL at once: the exit dies as if it crashed.
    void kill() { stop(0); }
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }
    qint64 pid() const { return m_pid; }

    QString errorString() const { return m_error; }
    /// What the daemon wrote to standard output and error so far.
    QByteArray output() const;
    /// A file from the private directory, read now (logs).
    QByteArray readFile(const QString& name) const;
    /// Last lines of output and of the named log files, for failure messages.
    QString diagnostics(const QStringList& logFiles = {}) const;

    /// Whether 127.0.0.1:port accepts a connection within timeoutMs.
    static bool portAccepts(quint16 port, int timeoutMs = 300);

private:
    bool waitForGroupGone(int timeoutMs);

    QTemporaryDir m_dir;
    QProcess m_process;
    QList<UpstreamDnsJail::HostsEntry> m_hosts;
    QList<quint16> m_ports;
    qint64 m_pid = 0;
    QString m_error;
};
