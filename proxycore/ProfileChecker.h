#pragma once

#include "EngineContext.h"
#include "HttpParser.h"
#include "OutboundFailure.h"
#include "UpstreamProfile.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <QUrl>

namespace Switchyard {

class OutboundConnector;
class Resolver;
class Stream;

/// The outcome of a profile check.
struct ProfileCheckResult
{
    bool ok = false;
    int httpStatus = 0;    ///< the status the URL answered with through the exit
    qint64 latencyMs = -1; ///< from the start to the first response byte
    QString error;         ///< readable, names the exit; never contains the password
};

/// Checks an exit the way a user would: connects through it to a URL and reports
/// success, latency and the HTTP status. For https:// URLs the check ends when the
/// exit has opened the tunnel. Runs in the caller's thread, independent of any
/// running engine.
class ProfileChecker : public QObject, private HttpMessageHandler
{
    Q_OBJECT
public:
    static constexpr const char* defaultUrl = "http://www.gstatic.com/generate_204";

    ProfileChecker(const UpstreamProfile& profile, const QUrl& url, int timeoutMs = 10'000,
                   QObject* parent = nullptr);
    ~ProfileChecker() override;

    void start();

Q_SIGNALS:
    void finished(const Switchyard::ProfileCheckResult& result);

private:
    HeadAction onHead(HttpHead& head) override;
    void onBody(const char*, qsizetype) override {}
    void onMessageComplete() override {}

    void onConnected(Stream* stream, const QByteArray& initialData, qint64 elapsedUs);
    void onConnectFailed(const OutboundFailure& failure);
    void onReadyRead();
    void finish(bool ok, const QString& error);

    UpstreamProfile m_profile;
    QUrl m_url;
    EngineContext m_context;
    Resolver* m_resolver;
    OutboundConnector* m_connector = nullptr;
    Stream* m_stream = nullptr;
    HttpParser m_parser;
    QTimer m_timer;
    QElapsedTimer m_clock;
    ProfileCheckResult m_result;
    bool m_done = false;
};

} // namespace Switchyard

Q_DECLARE_METATYPE(Switchyard::ProfileCheckResult)
