#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

/// One transfer of a curl run: its body (when written to stdout) and its -w values.
struct CurlTransfer
{
    QByteArray body;
    QHash<QString, QByteArray> values; ///< write-out variable name -> value

    QByteArray value(const QString& name) const { return values.value(name); }
    int httpCode() const { return values.value(QStringLiteral("http_code")).toInt(); }
    int numConnects() const { return values.value(QStringLiteral("num_connects")).toInt(); }
    /// Response headers from %{header_json}: lower-case names, arrays of values.
    QJsonObject headers() const;
    /// First value of a response header (name in any case), empty if absent.
    QByteArray header(const QString& name) const;
};

/// The outcome of one curl run.
struct CurlResult
{
    bool finished = false; ///< exited by itself before the deadline
    int exitCode = -1;
    QByteArray stdOut; ///< stdout without the write-out blocks
    QByteArray stdErr;
    QList<CurlTransfer> transfers;
    qint64 elapsedMs = 0;

    /// The first (or only) transfer; an empty one if curl reported none.
    CurlTransfer first() const { return transfers.value(0); }
    /// The reply code in curl's "Can't complete SOCKS5 connection to X. (N)", or -1.
    int socksReply() const;
    /// Exit code and stderr, for QVERIFY2 messages.
    QByteArray describe() const;
};

/// Runs /usr/bin/curl with -sS, --max-time and a -w block per transfer that
/// carries http_code, num_connects, size_download, size_upload, http_connect,
/// header_json (plus any extra variables) so tests read them without parsing text.
/// The environment is stripped of proxy variables and ~/.curlrc is ignored (-q),
/// so nothing but the arguments decides where curl connects.
class Curl
{
public:
    static QString program();
    static CurlResult run(const QStringList& args, int maxTimeSec = 15,
                          const QStringList& extraWriteOut = {});
};
