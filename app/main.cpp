#include "CommandLine.h"
#include "Console.h"
#include "Engine.h"
#include "HeadlessRunner.h"
#include "PasswordCommand.h"
#include "ProfileChecker.h"
#include "RuleEngine.h"
#include "RunSettings.h"
#include "SettingsStore.h"
#include "UnixSignalWatcher.h"

#include <QCoreApplication>

#ifdef SWITCHYARD_HAVE_UI
#include "MainWindow.h"

#include <QApplication>
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

int runWithoutWindow(int& argc, char** argv)
{
    QCoreApplication app(argc, argv);
    CommandLine commandLine;
    const CommandLine::Action action = commandLine.parse(app.arguments());
    if (action == CommandLine::Action::CheckProfile)
        return runProfileCheck(app, commandLine);
    if (action == CommandLine::Action::SetPassword)
        return runSetPassword(app, commandLine);
    if (action == CommandLine::Action::Explain)
        return runExplain(commandLine);
    if (const int exitCode = handleNonRunActions(commandLine, action); exitCode >= 0)
        return exitCode;

    Engine engine;
    HeadlessRunner runner(&engine);
    // The settings file is the base, the options given override it for this run.
    RunSettings runSettings(commandLine, RunSettings::Mode::Headless);
    bool engineStarted = false;
    UnixSignalWatcher signalWatcher;
    watchTerminationSignals(&signalWatcher);
    QObject::connect(&signalWatcher, &UnixSignalWatcher::signalReceived, &runner, [&] {
        // Before the engine runs (the keychain may still be answering) there is
        // nothing to stop.
        if (engineStarted)
            runner.stop();
        else
            app.exit(EXIT_SUCCESS);
    });
    QObject::connect(&runner, &HeadlessRunner::finished, &app, &QCoreApplication::exit);
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
    CommandLine commandLine;
    // QApplication has taken its own options (-platform, -style …) out of arguments().
    if (const int exitCode = handleNonRunActions(commandLine, commandLine.parse(app.arguments()));
        exitCode >= 0)
        return exitCode;

    Engine engine;
    std::unique_ptr<MainWindow> window;
    RunSettings runSettings(commandLine, RunSettings::Mode::Window);
    UnixSignalWatcher signalWatcher;
    watchTerminationSignals(&signalWatcher);
    QObject::connect(&signalWatcher, &UnixSignalWatcher::signalReceived, &app,
                     &QCoreApplication::quit);
    QObject::connect(&runSettings, &RunSettings::failed, &app, [&app] { app.exit(EXIT_FAILURE); });
    // The window opens once the keychain has answered for the exits' passwords.
    QObject::connect(&runSettings, &RunSettings::ready, &app, [&](const EngineSettings& settings) {
        window = std::make_unique<MainWindow>(&engine, settings);
        window->show();
        window->setProxyEnabled(true);
    });
    if (!runSettings.start())
        return EXIT_FAILURE;
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

#ifdef SWITCHYARD_HAVE_UI
    if (CommandLine::wantsGui(argc, argv))
        return runWithWindow(argc, argv);
#endif
    return runWithoutWindow(argc, argv);
}
