#pragma once

#include "EngineSettings.h"
#include "SecretStore.h"
#include "SecretsLoader.h"
#include "SettingsDocument.h"
#include "SettingsLoadResult.h"
#include "SettingsStore.h"

#include <QObject>
#include <QString>

namespace Switchyard {

class CommandLine;

/// Builds the settings a run starts with: the settings file (--config, or the
/// default location) as the base, the passwords its exits need from the
/// keychain, then the command-line options on top, for this run only.
///
/// The settings file is written in one case only, with a window: when it held
/// passwords in plain text (an early version's upstream URI, or typed in by
/// hand), they are moved into the keychain and, once the keychain has every
/// one of them, the file is saved without them. A headless run never writes it.
///
/// Fail closed: an exit whose password cannot be read is left out, so that the
/// rules sending traffic to it block that traffic (never direct, never with an
/// empty password); if the inbound password cannot be read the run does not
/// start at all.
class RunSettings : public QObject
{
    Q_OBJECT
public:
    enum class Mode {
        /// An unusable settings file stops the run: the user cannot see a
        /// warning, and defaults could send traffic where the rules said not to.
        Headless,
        /// An unusable file is moved aside and the backup (or defaults) used; the
        /// messages go to standard error until the window shows them.
        Window,
    };

    /// commandLine must outlive this object.
    RunSettings(const CommandLine& commandLine, Mode mode, QObject* parent = nullptr);

    /// Loads the file and starts reading secrets. Returns false, having printed
    /// why, when the run cannot go on; otherwise ready() or failed() follows
    /// from the event loop.
    bool start();

    /// The settings as loaded (every exit, passwords not filled in), for the
    /// window, which keeps editing them after ready().
    const SettingsDocument& document() const { return m_document; }
    SettingsStore* store() { return &m_store; }
    SecretStore* secrets() { return &m_secrets; }
    SecretsLoader* secretsLoader() { return &m_loader; }

Q_SIGNALS:
    void ready(const Switchyard::EngineSettings& settings);
    /// Printed why already; the run must not start.
    void failed();

private:
    void onSecretsRead();
    void finish();
    void moveIntoKeychain(const SettingsLoadResult& loaded);

    const CommandLine& m_commandLine;
    Mode m_mode;
    SettingsStore m_store;
    SettingsDocument m_document;
    int m_secretsToMove = 0;
    bool m_moveFailed = false;
    SecretStore m_secrets;
    SecretsLoader m_loader;
    bool m_done = false;
};

} // namespace Switchyard
