#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <utility>

/// Keeps every name lookup of a test process, and of everything it starts, on
/// loopback. enter() moves the process into a private mount namespace whose
/// /etc/hosts is the list given and whose /etc/resolv.conf names a "DNS sink": a
/// UDP socket on 127.53.x.y:53 that this process holds and never answers. So a
/// lookup of a name that is not in the list reaches no real resolver; it times out
/// after a second against the sink, which counts it. The engine runs in the test
/// process, so this is the engine's resolver too: a test can give the engine a name
/// that only the system resolver knows (counted in EngineStats::systemDnsLookups)
/// and can be sure a name meant for an exit never leaves the machine, even when the
/// engine is wrong and looks it up.
///
/// Needs root (CAP_SYS_ADMIN) and mount namespaces; works in a gVisor sandbox.
/// Where it is not available the process stays as it was, active() is false and
/// tests that give the engine names only an exit can resolve must skip.
class UpstreamDnsJail
{
public:
    using HostsEntry = std::pair<QString, QString>; ///< name, address

    /// Call first in main(), before any thread exists (unshare(CLONE_NEWNS) needs a
    /// single-threaded process). localhost is always in the private hosts file.
    static bool enter(const QList<HostsEntry>& hosts = {});
    static bool active();
    /// Why enter() failed.
    static QString errorString();
    /// The sink's address ("127.53.x.y"), or empty when not active.
    static QString nameserver();
    /// resolv.conf text naming the sink, for private namespaces of child daemons.
    static QByteArray resolvConf();
    /// hosts file text: localhost plus the entries.
    static QByteArray hostsFile(const QList<HostsEntry>& hosts);
    /// DNS queries that reached the sink since enter() (from any process).
    static int queriesSeen();
};
