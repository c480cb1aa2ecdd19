// The built switchyard as a user runs it against real exits: --check-profile URI
// --check-url URL prints "OK <status> <latency> ms" and exits 0, or
// "FAILED: <reason>" and exits 1, never printing the password; and --headless
// --upstream URI sends all traffic through that exit.

#include "Curl.h"
#include "FreePort.h"
#include "LoopbackOrigin.h"
#include "UpstreamDnsJail.h"
#include "UpstreamSocksServer.h"
#include "UpstreamSquid.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>
#include <QUrl>
#include <csignal>
#include <memory>

using namespace Switchyard;
using namespace Qt::StringLiterals;

namespace {

constexpr int kProcessTimeoutMs = 20'000;

/// A finished switchyard run.
struct Run
{
    bool ok = false; ///< started and exited by itself in time
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    qint64 elapsedMs = 0;

    QByteArray both() const { return out + err; }
    QByteArray describe() const
    {
        return "exit " + QByteArray::number(exitCode) + "\nstdout: " + out + "\nstderr: " + err;
    }
};

/// scheme://user:password@127.0.0.1:port, user and password percent-encoded.
QString proxyUri(const QString& scheme, const QString& user, const QString& password, quint16 port)
{
    return scheme + u"://"_s +
           QString::fromLatin1(QUrl::toPercentEncoding(user) + ':' +
                               QUrl::toPercentEncoding(password)) +
           u"@127.0.0.1:"_s + QString::number(port);
}

/// The first line of text matching pattern, as a match.
QRegularExpressionMatch findLine(const QByteArray& text, const QString& pattern)
{
    const QRegularExpression expression(pattern);
    for (const QByteArray& line : text.split('\n')) {
        const QRegularExpressionMatch match = expression.match(QString::fromUtf8(line.trimmed()));
        if (match.hasMatch())
            return match;
    }
    return {};
}

} // namespace

class TestCheckProfile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void cleanup();

    void checkSucceeds_data();
    void checkSucceeds();
    void checkFailsWhenExitStopped();
    void checkFailsWithWrongPassword_data();
    void checkFailsWithWrongPassword();
    void badUriIsRejected();
    void headlessUpstream();

private:
    Run run(const QStringList& arguments);
    void verifyNoSecret(const Run& result, const QString& password);

    QString m_binary;
    LoopbackOrigin m_origin;
    std::unique_ptr<UpstreamSquid> m_squid;
    std::unique_ptr<UpstreamSocksServer> m_socks;
};

void TestCheckProfile::initTestCase()
{
    // build/<preset>/tests/tst_checkprofile next to build/<preset>/app/switchyard
    m_binary = QDir::cleanPath(QCoreApplication::applicationDirPath() + u"/../app/switchyard"_s);
    QVERIFY2(QFile::exists(m_binary), qPrintable(m_binary));
    QVERIFY(m_origin.start());
    m_squid = std::make_unique<UpstreamSquid>();
    QVERIFY2(m_squid->start(), qPrintable(m_squid->errorString()));
    UpstreamSocksServer::Options options;
    options.username = u"checker"_s;
    options.password = u"s0cks p@ss"_s;
    m_socks = std::make_unique<UpstreamSocksServer>(options);
    QVERIFY2(m_socks->start(), qPrintable(m_socks->errorString()));
}

void TestCheckProfile::cleanupTestCase()
{
    if (m_squid)
        m_squid->stop();
    if (m_socks)
        m_socks->stop();
}

void TestCheckProfile::cleanup()
{
    const QStringList originErrors = m_origin.protocolErrors();
    m_origin.clearRecords();
    QVERIFY2(originErrors.isEmpty(), qPrintable(originErrors.join(u'\n')));
}

Run TestCheckProfile::run(const QStringList& arguments)
{
    Run result;
    QProcess process;
    QElapsedTimer timer;
    timer.start();
    process.start(m_binary, arguments);
    if (!process.waitForStarted(kProcessTimeoutMs)) {
        result.err = process.errorString().toUtf8();
        return result;
    }
    if (!process.waitForFinished(kProcessTimeoutMs)) {
        process.kill();
        process.waitForFinished(5000);
        result.err = "switchyard did not exit in time\n" + process.readAllStandardError();
        return result;
    }
    result.elapsedMs = timer.elapsed();
    result.ok = process.exitStatus() == QProcess::NormalExit;
    result.exitCode = process.exitCode();
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

void TestCheckProfile::verifyNoSecret(const Run& result, const QString& password)
{
    const QByteArray text = result.both();
    QVERIFY2(!text.contains(password.toUtf8()), "the password was printed:\n" + text);
    QVERIFY2(!text.contains(QUrl::toPercentEncoding(password)),
             "the percent-encoded password was printed:\n" + text);
}

void TestCheckProfile::checkSucceeds_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("squid, http://") << u"squid"_s;
    QTest::newRow("microsocks, socks5h://") << u"microsocks"_s;
}

void TestCheckProfile::checkSucceeds()
{
    QFETCH(QString, kind);
    const bool squid = kind == u"squid";
    const QString password = squid ? m_squid->password() : m_socks->password();
    const QString uri =
        squid ? proxyUri(u"http"_s, m_squid->username(), password, m_squid->httpPort())
              : proxyUri(u"socks5h"_s, m_socks->username(), password, m_socks->port());
    const QString tag = u"check-"_s + kind;
    const Run result =
        run({u"--check-profile"_s, uri, u"--check-url"_s, m_origin.url(u"/bytes/64?"_s + tag)});
    QVERIFY2(result.ok, result.describe());
    QCOMPARE(result.exitCode, 0);
    const QRegularExpressionMatch line = findLine(result.out, uR"(^OK (\d{3}) (\d+) ms$)"_s);
    QVERIFY2(line.hasMatch(), "no \"OK <status> <ms> ms\" line:\n" + result.describe());
    QCOMPARE(line.captured(1).toInt(), 200);
    QVERIFY2(line.captured(2).toLongLong() <= result.elapsedMs,
             qPrintable(line.captured(2) + u" ms reported, the run took "_s +
                        QString::number(result.elapsedMs)));
    verifyNoSecret(result, password);

    // It really went through the exit.
    QVERIFY2(m_origin.findRequest(tag.toLatin1()).has_value(), "the origin saw no check");
    if (squid)
        QVERIFY2(m_squid->waitForAccessLog({tag.toLatin1(), m_squid->username().toLatin1()}),
                 m_squid->accessLog());
    else
        QVERIFY2(m_socks->waitForConnectionTo(u"127.0.0.1"_s, m_origin.port()),
                 qPrintable(m_socks->diagnostics()));
}

void TestCheckProfile::checkFailsWhenExitStopped()
{
    UpstreamSquid squid;
    QVERIFY2(squid.start(), qPrintable(squid.errorString()));
    const QString uri = proxyUri(u"http"_s, squid.username(), squid.password(), squid.httpPort());
    squid.kill();
    const int connections = m_origin.connectionCount();

    const Run result =
        run({u"--check-profile"_s, uri, u"--check-url"_s, m_origin.url(u"/bytes/1?stopped"_s)});
    QVERIFY2(result.ok, result.describe());
    QCOMPARE(result.exitCode, 1);
    const QRegularExpressionMatch line = findLine(result.both(), uR"(^FAILED: (.+)$)"_s);
    QVERIFY2(line.hasMatch(), "no \"FAILED: <reason>\" line:\n" + result.describe());
    QVERIFY2(line.captured(1).contains(u"refused"_s, Qt::CaseInsensitive),
             qPrintable(line.captured(0)));
    QVERIFY2(findLine(result.both(), u"^OK "_s).hasMatch() == false, result.describe());
    verifyNoSecret(result, squid.password());
    QCOMPARE(m_origin.connectionCount(), connections); // never direct
}

void TestCheckProfile::checkFailsWithWrongPassword_data()
{
    checkSucceeds_data();
}

void TestCheckProfile::checkFailsWithWrongPassword()
{
    QFETCH(QString, kind);
    const bool squid = kind == u"squid";
    const QString wrong = u"wr0ng p@ss"_s;
    const QString uri = squid ? proxyUri(u"http"_s, m_squid->username(), wrong, m_squid->httpPort())
                              : proxyUri(u"socks5h"_s, m_socks->username(), wrong, m_socks->port());
    const int connections = m_origin.connectionCount();

    const Run result =
        run({u"--check-profile"_s, uri, u"--check-url"_s, m_origin.url(u"/bytes/1?wrong"_s)});
    QVERIFY2(result.ok, result.describe());
    QCOMPARE(result.exitCode, 1);
    const QRegularExpressionMatch line = findLine(result.both(), uR"(^FAILED: (.+)$)"_s);
    QVERIFY2(line.hasMatch(), "no \"FAILED: <reason>\" line:\n" + result.describe());
    QVERIFY2(line.captured(1).contains(u"authentication"_s, Qt::CaseInsensitive),
             qPrintable(line.captured(0)));
    verifyNoSecret(result, wrong);
    verifyNoSecret(result, squid ? m_squid->password() : m_socks->password());
    QCOMPARE(m_origin.connectionCount(), connections);
}

void TestCheckProfile::badUriIsRejected()
{
    for (const QString& uri : {u"ftp://127.0.0.1:21"_s, u"http://alice:t0ps3cret@127.0.0.1:99999"_s,
                               u"socks4a://alice:t0ps3cret@127.0.0.1:1080"_s}) {
        const Run result =
            run({u"--check-profile"_s, uri, u"--check-url"_s, m_origin.url(u"/bytes/1?bad-uri"_s)});
        QVERIFY2(result.ok, result.describe());
        QVERIFY2(result.exitCode != 0, result.describe());
        QVERIFY2(!result.both().trimmed().isEmpty(), "no reason given");
        verifyNoSecret(result, u"t0ps3cret"_s);
    }
    QVERIFY(!m_origin.findRequest("bad-uri").has_value());
}

void TestCheckProfile::headlessUpstream()
{
    const quint16 port = FreePort::refusedPort();
    const QString uri =
        proxyUri(u"http"_s, m_squid->username(), m_squid->password(), m_squid->httpPort());
    QProcess proxy;
    QByteArray stderrText;
    connect(&proxy, &QProcess::readyReadStandardError, this,
            [&] { stderrText += proxy.readAllStandardError(); });
    proxy.start(m_binary, {u"--headless"_s, u"--listen"_s, u"127.0.0.1:%1"_s.arg(port),
                           u"--upstream"_s, uri});
    QVERIFY(proxy.waitForStarted(kProcessTimeoutMs));
    const bool listening = QTest::qWaitFor(
        [&] { return stderrText.contains("listening") || proxy.state() == QProcess::NotRunning; },
        kProcessTimeoutMs);
    QVERIFY2(listening && proxy.state() == QProcess::Running, stderrText.constData());

    const CurlResult result = Curl::run({u"-x"_s, u"http://127.0.0.1:%1"_s.arg(port),
                                         m_origin.url(u"/bytes/32?headless-upstream"_s)});
    QVERIFY2(result.finished && result.exitCode == 0, result.describe());
    QCOMPARE(result.first().httpCode(), 200);
    const auto request = m_origin.findRequest("headless-upstream");
    QVERIFY(request.has_value());
    QVERIFY2(request->message.header("Via").contains("switchyard-test-squid"),
             request->message.rawHead);

    // The request's log line names the exit and never its password.
    QVERIFY(QTest::qWaitFor([&] { return stderrText.contains("headless-upstream"); }, 5000));
    proxy.terminate();
    QVERIFY(
        QTest::qWaitFor([&] { return proxy.state() == QProcess::NotRunning; }, kProcessTimeoutMs));
    stderrText += proxy.readAllStandardError();
    const QByteArray out = stderrText + proxy.readAllStandardOutput();
    QVERIFY2(!out.contains(m_squid->password().toUtf8()), out.constData());
    QVERIFY2(!out.contains(QUrl::toPercentEncoding(m_squid->password())), out.constData());
    QCOMPARE(proxy.exitCode(), 0);
}

int main(int argc, char* argv[])
{
    // First, while there is one thread: switchyard and the exits inherit a resolver
    // that never reaches a real DNS server.
    UpstreamDnsJail::enter();
    QCoreApplication app(argc, argv);
    TestCheckProfile test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_checkprofile.moc"
