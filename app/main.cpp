#include "AppTranslator.h"
#include "CommandLine.h"
#include "Console.h"
#include "Engine.h"
#include "HeadlessRunner.h"
#include "OpenFilesLimit.h"
#include "PasswordCommand.h"
#include "ProfileChecker.h"
#include "RuleEngine.h"
#include "RunSettings.h"
#include "SettingsStore.h"
#include "SystemProxyController.h"
#include "UnixSignalWatcher.h"

#include <QCoreApplication>

#ifdef SWITCHYARD_HAVE_UI
#include "DesktopSession.h"
#include "SingleInstanceGuard.h"

#include <QApplication>
#include <QIcon>
#endif

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <memory>

using namespace Switchyard;

namespace {

/// Handles --help, --version and usage errors. Returns -1 when the caller should
/// go on and run, otherwise the exit code.
int handleNonRunActions(CommandLine& commandLine, CommandLine::Action action)
{
    switch (action) {
    case CommandLine::Action::ShowHelp:
        Console::printOutput(commandLine.helpText().trimmed());
        return EXIT_SUCCESS;
    case CommandLine::Action::ShowVersion:
        Console::printOutput(CommandLine::versionText());
        return EXIT_SUCCESS;
    case CommandLine::Action::Error:
        Console::printError(commandLine.errorText());
        Console::printError(
            QCoreApplication::translate("main", "try 'switchyard --help' for the list of options"));
        return EXIT_FAILURE;
    case CommandLine::Action::Run:
    case CommandLine::Action::CheckProfile:
    case CommandLine::Action::SetPassword:
    case CommandLine::Action::Explain:
    case CommandLine::Action::RestoreSystemProxy:
        break;
    }
    if (!commandLine.listenError().isEmpty()) {
        Console::printError(QCoreApplication::translate("main", "cannot listen on %1: %2")
                                .arg(commandLine.listenText(), commandLine.listenError()));
        return EXIT_FAILURE;
    }
    return -1;
}

void watchTerminationSignals(UnixSignalWatcher* watcher)
{
    for (const int signal : {SIGINT, SIGTERM}) {
        if (!watcher->watch(signal))
            qWarning("cannot catch signal %d", signal);
    }
}

// --check-profile: one fetch through the exit, then the verdict on standard output.
int runProfileCheck(QCoreApplication& app, const CommandLine& commandLine)
{
    const UpstreamProfile exit = commandLine.checkProfile();
    ProfileChecker checker(exit, QUrl(commandLine.checkUrl()));
    int exitCode = EXIT_FAILURE;
    QObject::connect(
        &checker, &ProfileChecker::finished, &app, [&](const ProfileCheckResult& result) {
            if (result.ok) {
                Console::printOutput(
                    QStringLiteral("OK %1 %2 ms").arg(result.httpStatus).arg(result.latencyMs));
                exitCode = EXIT_SUCCESS;
            } else {
                Console::printOutput(QStringLiteral("FAILED: %1").arg(result.error));
            }
            app.quit();
        });
    checker.start();
    app.exec();
    return exitCode;
}

// --set-password: one exit's password into the keychain, then exit.
int runSetPassword(QCoreApplication& app, const CommandLine& commandLine)
{
    PasswordCommand command;
    QObject::connect(&command, &PasswordCommand::finished, &app, &QCoreApplication::exit);
    if (!command.start(commandLine.configPath(), commandLine.passwordProfile()))
        return EXIT_FAILURE;
    return app.exec();
}

// --explain: the rules from the settings file (plus options) decide one target.
int runExplain(const CommandLine& commandLine)
{
    SettingsStore store(commandLine.configPath());
    const SettingsLoadResult loaded = store.load(SettingsStore::LoadMode::ReadOnly);
    for (const QString& message : loaded.messages())
        Console::printError(message);
    EngineSettings settings = loaded.document.engine;
    commandLine.applyOverrides(&settings);
    const auto rules = RuleEngine::build(settings.routing, settings.profiles);
    for (const RuleProblem& problem : rules->problems())
        Console::printError(
            QStringLiteral("rule %1: %2").arg(problem.index + 1).arg(problem.reason));
    const RouteExplanation explanation = rules->explain(commandLine.explainTarget());
    if (!explanation.error.isEmpty()) {
        Console::printError(QStringLiteral("switchyard: --explain: %1").arg(explanation.error));
        return EXIT_FAILURE;
    }
    Console::printOutput(explanation.toText());
    return EXIT_SUCCESS;
}

// --restore-system-proxy: put back what a Switchyard that died while the
// system proxy pointed at it had saved. 0 restored (or left alone because the
// user changed the settings since), 2 nothing to restore, 1 failed.
int runRestoreSystemProxy()
{
    SystemProxyController systemProxy;
    const SystemProxyController::LeftoverResult result = systemProxy.restoreLeftover();
    switch (result) {
    case SystemProxyController::LeftoverResult::Restored:
    case SystemProxyController::LeftoverResult::ChangedSince:
        Console::printStatus(systemProxy.lastMessage());
        return EXIT_SUCCESS;
    case SystemProxyController::LeftoverResult::Nothing:
        Console::printError(systemProxy.lastMessage());
        return 2;
    case SystemProxyController::LeftoverResult::InUse:
    case SystemProxyController::LeftoverResult::Failed:
        Console::printError(systemProxy.lastMessage());
        break;
    }
    return EXIT_FAILURE;
}

// Every headless start first puts back settings a crashed run left pointing at
// it; a failure here is said but does not stop the run.
void restoreLeftoverSystemProxy(SystemProxyController* systemProxy)
{
    switch (systemProxy->restoreLeftover()) {
    case SystemProxyController::LeftoverResult::Nothing:
        break;
    case SystemProxyController::LeftoverResult::Restored:
    case SystemProxyController::LeftoverResult::ChangedSince:
        Console::printStatus(systemProxy->lastMessage());
        break;
    case SystemProxyController::LeftoverResult::InUse:
    case SystemProxyController::LeftoverResult::Failed:
        Console::printError(systemProxy->lastMessage());
        break;
    }
}

int runWithoutWindow(int& argc, char** argv)
{
    QCoreApplication app(argc, argv);
    // The terminal's messages in the system's language (LANG, LANGUAGE).
    AppTranslator::install(&app, QString());
    CommandLine commandLine;
    const CommandLine::Action action = commandLine.parse(app.arguments());
    if (action == CommandLine::Action::CheckProfile)
        return runProfileCheck(app, commandLine);
    if (action == CommandLine::Action::SetPassword)
        return runSetPassword(app, commandLine);
    if (action == CommandLine::Action::Explain)
        return runExplain(commandLine);
    if (action == CommandLine::Action::RestoreSystemProxy)
        return runRestoreSystemProxy();
    if (const int exitCode = handleNonRunActions(commandLine, action); exitCode >= 0)
        return exitCode;

    SystemProxyController systemProxy;
    restoreLeftoverSystemProxy(&systemProxy);
    bool systemProxyFailed = false;
    const auto restoreSystemProxy = [&] {
        if (!systemProxy.isEnabled())
            return;
        if (systemProxy.disable()) {
            Console::printStatus(systemProxy.lastMessage());
        } else {
            Console::printError(systemProxy.lastMessage());
            systemProxyFailed = true;
        }
    };

    Engine engine;
    HeadlessRunner runner(&engine);
    // The settings file is the base, the options given override it for this run.
    RunSettings runSettings(commandLine, RunSettings::Mode::Headless);
    bool engineStarted = false;
    UnixSignalWatcher signalWatcher;
    watchTerminationSignals(&signalWatcher);
    QObject::connect(&signalWatcher, &UnixSignalWatcher::signalReceived, &runner, [&] {
        // The desktop stops pointing here before the port closes.
        restoreSystemProxy();
        // Before the engine runs (the keychain may still be answering) there is
        // nothing to stop.
        if (engineStarted)
            runner.stop();
        else
            app.exit(EXIT_SUCCESS);
    });
    QObject::connect(&runner, &HeadlessRunner::finished, &app, [&](int exitCode) {
        restoreSystemProxy();
        app.exit(systemProxyFailed ? EXIT_FAILURE : exitCode);
    });
    if (commandLine.systemProxy()) {
        QObject::connect(&runner, &HeadlessRunner::listening, &systemProxy,
                         [&](const QHostAddress& address, quint16 port) {
                             const SystemProxyTarget target = SystemProxyTarget::forListenAddress(
                                 address, port, runSettings.document().ui.systemProxyMode);
                             if (systemProxy.enable(target)) {
                                 Console::printStatus(systemProxy.lastMessage());
                                 return;
                             }
                             // Asked for and not done: a proxy the system does not use is
                             // not what the user started.
                             Console::printError(systemProxy.lastMessage());
                             systemProxyFailed = true;
                             runner.stop();
                         });
    }
    QObject::connect(&runSettings, &RunSettings::failed, &app, [&app] { app.exit(EXIT_FAILURE); });
    QObject::connect(&runSettings, &RunSettings::ready, &runner, [&](const EngineSettings& ready) {
        EngineSettings settings = ready;
        // The headless log is one line per exchange: copying headers and bodies out
        // of the engine thread would be work nobody reads, unless a HAR file
        // records them.
        settings.capture.enabled = !commandLine.harFile().isEmpty();
        if (settings.capture.enabled)
            runner.setHarFile(commandLine.harFile(), !commandLine.harUnmasked());
        engineStarted = runner.start(settings, commandLine.logFile());
        if (!engineStarted)
            app.exit(EXIT_FAILURE);
    });
    if (!runSettings.start())
        return EXIT_FAILURE;
    return app.exec();
}

#ifdef SWITCHYARD_HAVE_UI
// Without a display QApplication aborts with a message about platform plugins;
// name the likelier way out instead.
bool canShowWindow(int argc, const char* const* argv)
{
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "-platform") == 0 || std::strcmp(argv[i], "--platform") == 0)
            return true;
    }
    return qEnvironmentVariableIsSet("QT_QPA_PLATFORM") || qEnvironmentVariableIsSet("DISPLAY") ||
           qEnvironmentVariableIsSet("WAYLAND_DISPLAY");
}

int runWithWindow(int& argc, char** argv)
{
    if (!canShowWindow(argc, argv)) {
        Console::printError(QCoreApplication::translate(
            "main", "no display (DISPLAY and WAYLAND_DISPLAY are unset); use --headless to run "
                    "without a window"));
        return EXIT_FAILURE;
    }
    QApplication app(argc, argv);
    // The window hides to the tray; the session says when the app is done.
    QApplication::setQuitOnLastWindowClosed(false);
    // Wayland's app_id and the taskbar's icon come from the desktop entry.
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.switchyard.Switchyard"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/switchyard.svg")));
    CommandLine commandLine;
    // QApplication has taken its own options (-platform, -style …) out of arguments().
    if (const int exitCode = handleNonRunActions(commandLine, commandLine.parse(app.arguments()));
        exitCode >= 0)
        return exitCode;

    // One window per user and settings file: a second launch brings the first
    // one up instead of fighting it for the port and the settings.
    SingleInstanceGuard instance(commandLine.configPath());
    switch (instance.claim()) {
    case SingleInstanceGuard::Role::Primary:
        break;
    case SingleInstanceGuard::Role::Secondary:
        Console::printStatus(QCoreApplication::translate(
            "main", "Switchyard is already running; its window was brought up."));
        return EXIT_SUCCESS;
    case SingleInstanceGuard::Role::NotAnswering:
        Console::printError(instance.errorString());
        return EXIT_FAILURE;
    case SingleInstanceGuard::Role::Unguarded:
        Console::printError(instance.errorString());
        break;
    }

    Engine engine;
    std::unique_ptr<DesktopSession> session;
    RunSettings runSettings(commandLine, RunSettings::Mode::Window);
    UnixSignalWatcher signalWatcher;
    watchTerminationSignals(&signalWatcher);
    // A signal quits the way the Quit action does: engine stopped, system
    // proxy restored.
    QObject::connect(&signalWatcher, &UnixSignalWatcher::signalReceived, &app, [&] {
        if (session)
            session->quit();
        else
            app.quit();
    });
    QObject::connect(&runSettings, &RunSettings::failed, &app, [&app] { app.exit(EXIT_FAILURE); });
    // The window opens once the keychain has answered for the exits' passwords.
    QObject::connect(&runSettings, &RunSettings::ready, &app, [&] {
        session = std::make_unique<DesktopSession>(
            &engine, runSettings.document(), runSettings.store(), runSettings.secrets(),
            runSettings.secretsLoader(),
            [&commandLine](EngineSettings* settings) { commandLine.applyOverrides(settings); });
        QObject::connect(session.get(), &DesktopSession::finished, &app, &QCoreApplication::exit);
        QObject::connect(&instance, &SingleInstanceGuard::activationRequested, session.get(),
                         &DesktopSession::showWindow);
        session->start(commandLine.startHidden());
    });
    if (!runSettings.start())
        return EXIT_FAILURE;
    // The settings are read: the window comes up in the language they name,
    // right to left where that language is written so (Persian).
    const QString language = runSettings.document().ui.language;
    if (AppTranslator::install(&app, language) != QStringLiteral("en"))
        QGuiApplication::setLayoutDirection(AppTranslator::localeFor(language).textDirection());
    return app.exec();
}
#endif

} // namespace

int main(int argc, char** argv)
{
    // GLib's event dispatcher is slower than Qt's own for the engine's many
    // sockets; respect the user's choice if they made one.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication::setApplicationName(QStringLiteral("Switchyard"));
    // No organisation: settings live in ~/.config/Switchyard, not Switchyard/Switchyard.
    QCoreApplication::setOrganizationName(QString());
    QCoreApplication::setApplicationVersion(QStringLiteral(SWITCHYARD_VERSION));
    raiseOpenFilesLimit();

#ifdef SWITCHYARD_HAVE_UI
    if (CommandLine::wantsGui(argc, argv))
        return runWithWindow(argc, argv);
#endif
    return runWithoutWindow(argc, argv);
}
