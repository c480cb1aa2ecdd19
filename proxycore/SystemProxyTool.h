#pragma once

#include <QByteArray>
#include <QCoreApplication>
#include <QString>
#include <QStringList>

namespace Switchyard {

/// The outcome of one run of an external tool (gsettings, kwriteconfig5,
/// networksetup …).
struct SystemProxyToolResult
{
    bool ok = false;   ///< started, finished in time and exited with 0
    int exitCode = -1; ///< -1 when it did not start or did not finish
    QByteArray output; ///< standard output
    QString error;     ///< why ok is false, readable: "gsettings timed out after 5 s"
};

/// Runs the external tools the system proxy backends drive, synchronously and
/// always bounded in time: these are quick (tens of milliseconds) but a hung
/// D-Bus call must never freeze the caller's thread for good.
class SystemProxyTool
{
    Q_DECLARE_TR_FUNCTIONS(SystemProxyTool)
public:
    static constexpr int defaultTimeoutMs = 5'000;

    /// Runs program (a name looked up in PATH, or a path) with arguments; input
    /// goes to its standard input.
    static SystemProxyToolResult run(const QString& program, const QStringList& arguments,
                                     const QByteArray& input = {},
                                     int timeoutMs = defaultTimeoutMs);
    /// The full path of program in PATH, empty when it is not installed.
    static QString find(const QString& program);
};

} // namespace Switchyard
