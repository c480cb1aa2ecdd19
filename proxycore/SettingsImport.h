#pragma once

#include "SettingsCodec.h"
#include "SettingsDocument.h"

#include <QString>
#include <QStringList>

namespace Switchyard {

/// An exported configuration (or a settings file) read and checked, ready to be
/// applied to the current settings: to move to a new machine, or to take in a
/// rule set someone shared. Made by SettingsStore::importFrom.
struct SettingsImport
{
    enum class Mode {
        /// Each part taken replaces the same part of the settings.
        Replace,
        /// Profiles with a known id are updated in place and new ones added;
        /// rules are appended after the current ones and hosts entries merged;
        /// the current default action stays. Network and window parts are replaced.
        Merge,
    };

    QString filePath;
    SettingsCodec::Decoded decoded; ///< the document, the parts present and the issues

    /// Usable: no errors (warnings may remain, e.g. a rule naming an absent exit).
    bool ok() const { return decoded.ok(); }
    SettingsCodec::Parts parts() const { return decoded.parts; }

    /// Applies the parts both present and asked for to *target. Returns the ids
    /// of profiles that no longer exist afterwards: delete their keychain entries.
    QStringList applyTo(SettingsDocument* target, Mode mode,
                        SettingsCodec::Parts wanted = SettingsCodec::allParts()) const;
};

} // namespace Switchyard
