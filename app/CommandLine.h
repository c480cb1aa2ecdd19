#pragma once

#include "EngineSettings.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QString>
#include <QStringList>

namespace Switchyard {

/// The switchyard command line: parses and checks the options and turns them
/// into EngineSettings. Parsing needs no application object; helpText() reads the
/// program name from the application, so call it once one exists.
class CommandLine
{
    Q_DECLARE_TR_FUNCTIONS(CommandLine)
public:
    enum class Action {
        Run,
        ShowHelp,
        ShowVersion,
        CheckProfile,
        SetPassword,
        Explain,
        RestoreSystemProxy,
        Error
    };

    CommandLine();

    /// Parses the arguments, the first of which is the program name.
    Action parse(const QStringList& arguments);

    /// Why parse() returned Error, as one line without the program name.
    QString errorText() const { return m_error; }
    QString helpText() const;
    /// "switchyard 0.1.0".
    static QString versionText();

    bool headless() const { return m_headless; }
    /// --hidden: the window starts hidden in the tray.
    bool startHidden() const { return m_hidden; }
    /// The listen address as given (or the default), for messages.
    QString listenText() const { return m_listenText; }
    /// Why the listen address cannot be used; empty when it can.
    QString listenError() const { return m_listenError; }
    /// The --log file; empty means standard error.
    QString logFile() const { return m_logFile; }
    /// The --har file (headless): empty when no HAR is recorded.
    QString harFile() const { return m_harFile; }
    /// Whether --har-unmasked keeps secrets (Authorization, Cookie …) in the HAR file.
    bool harUnmasked() const { return m_harUnmasked; }
    /// The --config file; empty means the default (SettingsStore::defaultFilePath()).
    QString configPath() const { return m_configPath; }
    /// The exit (id or name) given to --set-password.
    QString passwordProfile() const { return m_passwordProfile; }
    /// Whether --upstream replaces the settings file's exits and rules in this run.
    bool replacesRouting() const;
    /// Puts the options that were given on top of settings (read from the
    /// settings file); what was not given on the command line stays as it is.
    void applyOverrides(EngineSettings* settings) const;
    /// The exit given to --check-profile, and the URL to fetch through it.
    UpstreamProfile checkProfile() const { return m_checkProfile; }
    QString checkUrl() const { return m_checkUrl; }
    /// Whether --system-proxy asks a headless run to point the desktop's proxy
    /// settings at itself while it runs.
    bool systemProxy() const { return m_systemProxy; }
    /// The URL or host:port given to --explain.
    QString explainTarget() const { return m_explainTarget; }
    /// Defaults changed by whatever options were given.
    EngineSettings engineSettings() const { return m_settings; }

    /// Whether these raw arguments ask for the window, decided before any
    /// application object exists: --headless, --help, --version, --check-profile,
    /// --set-password and --restore-system-proxy must never create a
    /// QApplication (they have to work without a display).
    static bool wantsGui(int argc, const char* const* argv);

private:
    bool readPositive(const QCommandLineOption& option, int* value);

    QCommandLineParser m_parser;
    QCommandLineOption m_headlessOption;
    QCommandLineOption m_listenOption;
    QCommandLineOption m_logOption;
    QCommandLineOption m_harOption;
    QCommandLineOption m_harUnmaskedOption;
    QCommandLineOption m_viaOption;
    QCommandLineOption m_connectTimeoutOption;
    QCommandLineOption m_maxConnectionsOption;
    QCommandLineOption m_upstreamOption;
    QCommandLineOption m_checkProfileOption;
    QCommandLineOption m_checkUrlOption;
    QCommandLineOption m_configOption;
    QCommandLineOption m_setPasswordOption;
    QCommandLineOption m_explainOption;
    QCommandLineOption m_systemProxyOption;
    QCommandLineOption m_restoreSystemProxyOption;
    QCommandLineOption m_hiddenOption;
    QCommandLineOption m_helpOption;
    QCommandLineOption m_versionOption;

    QString m_error;
    bool m_headless = false;
    bool m_hidden = false;
    QString m_listenText;
    QString m_listenError;
    QString m_logFile;
    QString m_harFile;
    bool m_harUnmasked = false;
    bool m_systemProxy = false;
    QString m_configPath;
    QString m_passwordProfile;
    UpstreamProfile m_checkProfile;
    QString m_checkUrl;
    QString m_explainTarget;
    EngineSettings m_settings;
};

} // namespace Switchyard
