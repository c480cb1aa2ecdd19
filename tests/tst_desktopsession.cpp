// The window's control surfaces wired to a real engine: the toolbar's and the
// tray menu's proxy switch start and stop it, the exit picker (toolbar combo and
// tray radio list) changes where new requests go (a real microsocks exit, a
// real curl client, a loopback origin), "route this host" from the traffic view
// adds a rule that takes effect at once and is saved, and Quit stops the engine
// and remembers the switch for the next start.

#include "AppActions.h"
#include "AutostartEntry.h"
#include "Curl.h"
#include "DesktopSession.h"
#include "Engine.h"
#include "ExitPicker.h"
#include "FreePort.h"
#include "LoopbackOrigin.h"
#include "MainWindow.h"
#include "ProxyController.h"
#include "SecretStore.h"
#include "SecretsLoader.h"
#include "SettingsPage.h"
#include "SettingsStore.h"
#include "TrafficPage.h"
#include "TrayIcon.h"
#include "UpstreamSocksServer.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QFile>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolBar>
#include <memory>

using namespace Switchyard;
using namespace Qt::StringLiterals;

namespace {

QAction* findAction(QMenu* menu, const QString& objectName)
{
    for (QAction* action : menu->actions()) {
        if (action->objectName() == objectName)
            return action;
    }
    return nullptr;
}

} // namespace

class TestDesktopSession : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void toolbarSwitchStartsAndStopsEngine();
    void trayMenuSwitchesWithWindowClosed();
    void exitPickerRoutesNewRequests();
    void trayExitMenuFollowsPicker();
    void routeThisHostAddsSavedRule();
    void settingsPageMovesListener();
    void settingsPageSwitchesAutostart();
    void clientLoginWithoutKeychain();
    void quitStopsEngineAndRemembersSwitch();
    void closeWithoutTrayQuits();

private:
    /// A session over a fresh settings file holding one exit (the microsocks).
    void makeSession(bool proxyOn = false);
    /// Fetches /bytes/16 through the engine; the route the log gave it, or "" if
    /// no event came.
    QString fetchRoute(int* httpCode);
    UpstreamProfile exitProfile() const;

    LoopbackOrigin m_origin;
    std::unique_ptr<UpstreamSocksServer> m_exit;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<SettingsStore> m_store;
    std::unique_ptr<SecretStore> m_secrets;
    std::unique_ptr<SecretsLoader> m_loader;
    std::unique_ptr<DesktopSession> m_session;
    LogEventBatch m_events;
};

void TestDesktopSession::initTestCase()
{
    QVERIFY(m_origin.start());
    m_exit = std::make_unique<UpstreamSocksServer>(UpstreamSocksServer::Options{});
    QVERIFY2(m_exit->start(), qPrintable(m_exit->errorString()));
}

void TestDesktopSession::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_events.clear();
}

void TestDesktopSession::cleanup()
{
    m_session.reset();
    if (m_engine && m_engine->state() != Engine::State::Stopped) {
        m_engine->stop();
        QTRY_COMPARE_WITH_TIMEOUT(m_engine->state(), Engine::State::Stopped, 5000);
    }
    m_engine.reset();
    m_loader.reset();
    m_secrets.reset();
    m_store.reset();
}

UpstreamProfile TestDesktopSession::exitProfile() const
{
    UpstreamProfile profile = m_exit->profile();
    profile.id = u"exit-one"_s;
    profile.name = u"Exit One"_s;
    return profile;
}

void TestDesktopSession::makeSession(bool proxyOn)
{
    SettingsDocument document;
    document.engine.listenAddress = QHostAddress::LocalHost;
    document.engine.listenPort = 0;
    document.engine.logFlushIntervalMs = 20;
    document.engine.profiles = {exitProfile()};
    document.ui.proxyEnabled = proxyOn;
    m_store = std::make_unique<SettingsStore>(m_dir->filePath(u"settings.json"_s));
    QVERIFY(m_store->save(document).ok());
    m_secrets = std::make_unique<SecretStore>();
    m_loader = std::make_unique<SecretsLoader>(m_secrets.get());
    m_loader->load(document);
    m_engine = std::make_unique<Engine>();
    connect(m_engine.get(), &Engine::eventsReady, this,
            [this](const LogEventBatch& batch) { m_events.append(batch); });
    // A private journal: the test never touches the desktop's proxy settings.
    m_session = std::make_unique<DesktopSession>(
        m_engine.get(), document, m_store.get(), m_secrets.get(), m_loader.get(),
        SettingsController::Overrides{}, m_dir->filePath(u"system-proxy-journal.json"_s));
}

QString TestDesktopSession::fetchRoute(int* httpCode)
{
    const QString url = m_origin.url(u"/bytes/16"_s);
    const qsizetype before = m_events.size();
    const CurlResult result =
        Curl::run({u"-x"_s, u"http://127.0.0.1:%1"_s.arg(m_engine->boundPort()), url});
    *httpCode = result.first().httpCode();
    QElapsedTimer waited;
    waited.start();
    while (waited.elapsed() < 5000) {
        for (qsizetype i = before; i < m_events.size(); ++i) {
            const LogEvent& event = m_events.at(i);
            if (event.phase == LogPhase::Finished && event.target == url)
                return event.route;
        }
        QTest::qWait(20);
    }
    return {};
}

void TestDesktopSession::toolbarSwitchStartsAndStopsEngine()
{
    makeSession();
    m_session->start();
    QCOMPARE(m_engine->state(), Engine::State::Stopped);
    QAction* toggle = m_session->actions()->proxyEnabled();
    // The same action object sits in the window's toolbar.
    QVERIFY(m_session->window()->findChild<QToolBar*>()->actions().contains(toggle));
    toggle->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(m_engine->state(), Engine::State::Running, 5000);
    QVERIFY(toggle->isChecked());
    QCOMPARE(m_session->proxy()->status(), ProxyController::Status::Direct);
    int code = 0;
    QCOMPARE(fetchRoute(&code), u"direct"_s);
    QCOMPARE(code, 200);
    toggle->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(m_engine->state(), Engine::State::Stopped, 5000);
    QVERIFY(!toggle->isChecked());
    QCOMPARE(m_session->proxy()->status(), ProxyController::Status::Off);
}

void TestDesktopSession::trayMenuSwitchesWithWindowClosed()
{
    makeSession();
    m_session->start();
    // The offscreen platform has no tray host; the tray's menu and actions are
    // the same objects either way, so build the icon the way a desktop would.
    TrayIcon tray(m_session->actions(), m_session->proxy());
    m_session->window()->close(); // no tray in the session: closing asks to quit …
    m_session->window()->hide();  // … so hide it by hand, as the tray would
    QAction* proxy = findAction(tray.menu(), u"proxyEnabledAction"_s);
    QVERIFY(proxy);
    QCOMPARE(TrayIcon::iconName(m_session->proxy()->status()), u":/icons/tray-off.svg"_s);
    proxy->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(m_engine->state(), Engine::State::Running, 5000);
    QCOMPARE(TrayIcon::iconName(m_session->proxy()->status()), u":/icons/tray-direct.svg"_s);
    QVERIFY2(tray.toolTip().contains(u"direct"_s), qPrintable(tray.toolTip()));
    QVERIFY(!m_session->window()->isVisible());
    proxy->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(m_engine->state(), Engine::State::Stopped, 5000);
    QAction* open = findAction(tray.menu(), u"openWindowAction"_s);
    QVERIFY(open);
    open->trigger();
    QVERIFY(m_session->window()->isVisible());
}

void TestDesktopSession::exitPickerRoutesNewRequests()
{
    makeSession(true);
    m_session->start();
    QTRY_COMPARE_WITH_TIMEOUT(m_engine->state(), Engine::State::Running, 5000);
    ExitPicker* picker = m_session->window()->exitPicker();
    QCOMPARE(picker->count(), 3); // Direct, Exit One, Block
    QCOMPARE(picker->currentIndex(), 0);

    int code = 0;
    QCOMPARE(fetchRoute(&code), u"direct"_s);
    QCOMPARE(code, 200);

    const int exitIndex = picker->indexOf(RouteAction::through(u"exit-one"_s));
    QCOMPARE(exitIndex, 1);
    Q_EMIT picker->activated(exitIndex);
    QCOMPARE(m_session->proxy()->status(), ProxyController::Status::ThroughExit);
    QCOMPARE(fetchRoute(&code), u"Exit One"_s);
    QCOMPARE(code, 200);
    QVERIFY(m_exit->waitForConnectionTo(u"127.0.0.1"_s, m_origin.port()));

    Q_EMIT picker->activated(picker->indexOf(RouteAction::block()));
    QCOMPARE(fetchRoute(&code), u"blocked"_s);
    QCOMPARE(code, 403);

    // Saved: a new store reading the file sees the last choice.
    SettingsStore reread(m_store->filePath());
    QCOMPARE(reread.load(SettingsStore::LoadMode::ReadOnly).document.engine.routing.defaultAction,
             RouteAction::block());

    // A failing exit is marked in the picker and turns the tray red.
    Q_EMIT picker->activated(exitIndex);
    ProfileCheckResult failed;
    failed.error = u"connection refused"_s;
    m_session->settings()->setCheckResult(u"exit-one"_s, failed);
    QVERIFY2(picker->itemText(exitIndex).contains(u"failing"_s),
             qPrintable(picker->itemText(exitIndex)));
    QCOMPARE(m_session->proxy()->status(), ProxyController::Status::Error);
    QCOMPARE(TrayIcon::iconName(m_session->proxy()->status()), u":/icons/tray-error.svg"_s);
}

void TestDesktopSession::trayExitMenuFollowsPicker()
{
    makeSession(true);
    m_session->start();
    QTRY_COMPARE_WITH_TIMEOUT(m_engine->state(), Engine::State::Running, 5000);
    TrayIcon tray(m_session->actions(), m_session->proxy());
    QMenu* exits = tray.menu()->findChild<QMenu*>(u"trayExitMenu"_s);
    QVERIFY(exits);
    QCOMPARE(exits->actions().size(), 3);
    QVERIFY(exits->actions().at(0)->isChecked());

    exits->actions().at(1)->trigger(); // Exit One, from the tray
    QCOMPARE(m_session->settings()->defaultAction(), RouteAction::through(u"exit-one"_s));
    QCOMPARE(m_session->window()->exitPicker()->currentIndex(), 1);
    int code = 0;
    QCOMPARE(fetchRoute(&code), u"Exit One"_s);
    QCOMPARE(code, 200);

    // And the other way: the picker's choice checks the tray's radio item.
    ExitPicker* picker = m_session->window()->exitPicker();
    Q_EMIT picker->activated(0);
    QVERIFY(exits->actions().at(0)->isChecked());
    QVERIFY(!exits->actions().at(1)->isChecked());

    // A new exit shows up in the tray menu at once.
    UpstreamProfile second = exitProfile();
    second.id = u"exit-two"_s;
    second.name = u"Exit Two"_s;
    QVERIFY(m_session->settings()->saveProfile(second));
    QCOMPARE(exits->actions().size(), 4);
    QCOMPARE(exits->actions().at(2)->text(), u"Exit Two"_s);
}

void TestDesktopSession::routeThisHostAddsSavedRule()
{
    makeSession(true);
    m_session->start();
    QTRY_COMPARE_WITH_TIMEOUT(m_engine->state(), Engine::State::Running, 5000);
    int code = 0;
    QCOMPARE(fetchRoute(&code), u"direct"_s);

    // An address becomes a one-address range (host rules never match addresses).
    Q_EMIT m_session->window()->trafficPage()->routeRequested(u"127.0.0.1"_s, false,
                                                              RouteAction::block());
    QCOMPARE(m_session->settings()->routing().rules.size(), 1);
    QCOMPARE(m_session->settings()->routing().rules.constFirst().matcher, Rule::Matcher::IpCidr);
    QCOMPARE(m_session->settings()->routing().rules.constFirst().pattern, u"127.0.0.1/32"_s);
    QCOMPARE(fetchRoute(&code), u"blocked"_s);
    QCOMPARE(code, 403);

    // Route through the exit by host name: the origin answers to localhost too.
    Q_EMIT m_session->window()->trafficPage()->routeRequested(u"localhost"_s, false,
                                                              RouteAction::through(u"exit-one"_s));
    QCOMPARE(m_session->settings()->routing().rules.size(), 2);
    const Rule rule = m_session->settings()->routing().rules.constFirst();
    QCOMPARE(rule.matcher, Rule::Matcher::ExactHost);
    QCOMPARE(rule.pattern, u"localhost"_s);

    const QString url = u"http://localhost:%1/bytes/16"_s.arg(m_origin.port());
    const qsizetype before = m_events.size();
    const CurlResult result =
        Curl::run({u"-x"_s, u"http://127.0.0.1:%1"_s.arg(m_engine->boundPort()), url});
    QCOMPARE(result.first().httpCode(), 200);
    QTRY_VERIFY_WITH_TIMEOUT(std::any_of(m_events.cbegin() + before, m_events.cend(),
                                         [&](const LogEvent& event) {
                                             return event.target == url &&
                                                    event.route == u"Exit One"_s &&
                                                    event.phase == LogPhase::Finished;
                                         }),
                             5000);

    SettingsStore reread(m_store->filePath());
    const QList<Rule> saved =
        reread.load(SettingsStore::LoadMode::ReadOnly).document.engine.routing.rules;
    QCOMPARE(saved.size(), 2);
    QCOMPARE(saved.constFirst().pattern, u"localhost"_s);
    QCOMPARE(saved.constLast().pattern, u"127.0.0.1/32"_s);
}

void TestDesktopSession::settingsPageMovesListener()
{
    makeSession(true);
    m_session->start();
    QTRY_COMPARE_WITH_TIMEOUT(m_engine->state(), Engine::State::Running, 5000);
    const quint16 firstPort = m_engine->boundPort();
    auto* edit = m_session->window()->findChild<QLineEdit*>(u"listenEdit"_s);
    auto* apply = m_session->window()->findChild<QPushButton*>(u"applyListenButton"_s);
    QVERIFY(edit && apply);

    // Bad input: a clear message, nothing changes.
    edit->setText(u"127.0.0.1:99999"_s);
    apply->click();
    auto* page = m_session->window()->findChild<SettingsPage*>();
    QVERIFY2(page->message().contains(u"99999"_s), qPrintable(page->message()));
    QCOMPARE(m_engine->boundPort(), firstPort);
    // Off loopback without inbound authentication: refused, with the reason.
    edit->setText(u"0.0.0.0:0"_s);
    apply->click();
    QVERIFY2(page->message().contains(u"authentication"_s), qPrintable(page->message()));

    const quint16 newPort = FreePort::refusedPort();
    edit->setText(u"127.0.0.1:%1"_s.arg(newPort));
    apply->click();
    QTRY_COMPARE_WITH_TIMEOUT(m_engine->boundPort(), newPort, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(m_engine->state(), Engine::State::Running, 5000);
    int code = 0;
    QCOMPARE(fetchRoute(&code), u"direct"_s);
    QCOMPARE(code, 200);
    SettingsStore reread(m_store->filePath());
    QCOMPARE(reread.load(SettingsStore::LoadMode::ReadOnly).document.engine.listenPort, newPort);
}

void TestDesktopSession::settingsPageSwitchesAutostart()
{
    makeSession();
    const QString folder = m_dir->filePath(u"autostart"_s);
    m_session->setAutostartDirectory(folder);
    m_session->start();
    QVERIFY(!m_session->settings()->uiPreferences().autostart);
    auto* box = m_session->window()->findChild<QCheckBox*>(u"autostartCheck"_s);
    QVERIFY(box);
    QVERIFY(!box->isChecked());

    box->click();
    const QString entry = folder + u"/"_s + AutostartEntry::entryId() + u".desktop"_s;
    QVERIFY2(QFile::exists(entry), qPrintable(entry));
    QFile file(entry);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray contents = file.readAll();
    QVERIFY2(contents.contains("--hidden") && contents.contains("--config"), contents.constData());
    QVERIFY(m_session->settings()->uiPreferences().autostart);

    box->click();
    QVERIFY(!QFile::exists(entry));
    QVERIFY(!m_session->settings()->uiPreferences().autostart);
}

void TestDesktopSession::clientLoginWithoutKeychain()
{
    // No session bus, so no keychain: the page says why and, with the user's
    // consent, keeps the password in memory only.
    qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    makeSession(true);
    m_session->start();
    QTRY_COMPARE_WITH_TIMEOUT(m_engine->state(), Engine::State::Running, 5000);
    auto* page = m_session->window()->findChild<SettingsPage*>();
    QString asked;
    page->setKeepForThisRunQuestion([&asked](const QString& message) {
        asked = message;
        return true;
    });
    m_session->window()->findChild<QCheckBox*>(u"authRequiredCheck"_s)->setChecked(true);
    m_session->window()->findChild<QLineEdit*>(u"authUserEdit"_s)->setText(u"tester"_s);
    m_session->window()->findChild<QLineEdit*>(u"authPasswordEdit"_s)->setText(u"s3cret-pass"_s);
    page->saveLogin();
    QTRY_VERIFY_WITH_TIMEOUT(!asked.isEmpty(), 10'000);
    QVERIFY2(asked.contains(u"keychain"_s, Qt::CaseInsensitive), qPrintable(asked));
    QTRY_VERIFY_WITH_TIMEOUT(!m_session->settings()->isWaitingForInboundPassword(), 5000);

    const QString proxy = u"http://127.0.0.1:%1"_s.arg(m_engine->boundPort());
    const QString url = m_origin.url(u"/bytes/16"_s);
    QTRY_COMPARE_WITH_TIMEOUT(Curl::run({u"-x"_s, proxy, url}).first().httpCode(), 407, 5000);
    QCOMPARE(
        Curl::run({u"-x"_s, proxy, u"--proxy-user"_s, u"tester:wrong"_s, url}).first().httpCode(),
        407);
    QCOMPARE(Curl::run({u"-x"_s, proxy, u"--proxy-user"_s, u"tester:s3cret-pass"_s, url})
                 .first()
                 .httpCode(),
             200);
    // Neither the settings file nor anything else on disk holds the password.
    QFile file(m_store->filePath());
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray saved = file.readAll();
    QVERIFY(saved.contains("tester"));
    QVERIFY(!saved.contains("s3cret-pass"));
}

void TestDesktopSession::quitStopsEngineAndRemembersSwitch()
{
    makeSession();
    m_session->start();
    m_session->actions()->proxyEnabled()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(m_engine->state(), Engine::State::Running, 5000);
    QSignalSpy finished(m_session.get(), &DesktopSession::finished);
    m_session->actions()->quit()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 6000);
    QCOMPARE(finished.constFirst().constFirst().toInt(), 0);
    QCOMPARE(m_engine->state(), Engine::State::Stopped);
    QVERIFY(!m_session->window()->isVisible());
    SettingsStore reread(m_store->filePath());
    const UiPreferences ui = reread.load(SettingsStore::LoadMode::ReadOnly).document.ui;
    QVERIFY(ui.proxyEnabled);
    QVERIFY(!ui.windowGeometry.isEmpty());
}

void TestDesktopSession::closeWithoutTrayQuits()
{
    makeSession(true);
    QVERIFY(!TrayIcon::isAvailable()); // offscreen
    QVERIFY(!m_session->tray());
    m_session->start();
    QTRY_COMPARE_WITH_TIMEOUT(m_engine->state(), Engine::State::Running, 5000);
    QSignalSpy finished(m_session.get(), &DesktopSession::finished);
    m_session->window()->close();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 6000);
    QCOMPARE(m_engine->state(), Engine::State::Stopped);
}

QTEST_MAIN(TestDesktopSession)
#include "tst_desktopsession.moc"
