#pragma once

#include "EngineSettings.h"
#include "UiPreferences.h"

#include <QString>
#include <QStringList>

namespace Switchyard {

/// The whole of Switchyard's settings as one value: what the settings file holds
/// and what an export carries. SettingsCodec turns it into JSON and back,
/// SettingsStore keeps it on disk. Passwords (UpstreamProfile::password,
/// InboundAuth::password) may be filled in memory from the keychain but are
/// never written anywhere by the codec.
struct SettingsDocument
{
    /// The version this build writes; older files are migrated forward on load.
    static constexpr int currentVersion = 2;

    /// Everything the engine reads: listen address and port, limits, capture and
    /// log options, the exits (engine.profiles, passwords only ever in memory),
    /// the rules (engine.routing, whose defaultAction is the "selected exit"),
    /// the hosts override and inbound authentication.
    EngineSettings engine;
    /// What only the window reads.
    UiPreferences ui;

    /// The profile with this id, or nullptr.
    const UpstreamProfile* profile(const QString& id) const;
    /// Finds a profile by id, else by exact name. Returns its id, or an empty
    /// string with *error saying why (none, or several of that name).
    QString resolveProfile(const QString& idOrName, QString* error) const;
    /// Ids of profiles in before that are gone from after: their keychain
    /// entries are to be deleted. A renamed profile keeps its id and is not listed.
    static QStringList removedProfileIds(const SettingsDocument& before,
                                         const SettingsDocument& after);
    /// This document with every password emptied.
    SettingsDocument withoutSecrets() const;

    /// Every stored field compared (passwords included).
    bool operator==(const SettingsDocument& other) const;
};

} // namespace Switchyard
