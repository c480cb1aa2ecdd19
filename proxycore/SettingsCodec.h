#pragma once

#include "RecoveredSecret.h"
#include "SettingsDocument.h"
#include "SettingsIssue.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QFlags>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace Switchyard {

/// Turns a SettingsDocument into the JSON of the settings file (or of an export)
/// and back. Reading checks every field and reports each bad one with its path
/// rather than guessing; older versions are migrated forward first
/// (SettingsMigration). Passwords are never written.
class SettingsCodec
{
    Q_DECLARE_TR_FUNCTIONS(SettingsCodec)
public:
    /// The sections of a document, for exports and imports.
    enum class Part {
        Network = 0x1,  ///< listen address, limits, capture, Via, log flush, inbound auth
        Profiles = 0x2, ///< the exits (without passwords)
        Routing = 0x4,  ///< rules, default action (the selected exit), hosts override
        Ui = 0x8,       ///< window geometry, columns, language …
    };
    Q_DECLARE_FLAGS(Parts, Part)
    static Parts allParts();

    /// What a file is for; both are read alike.
    enum class Kind {
        Settings, ///< the settings file itself
        Export,   ///< an export to move to another machine or share a rule set
    };

    /// The outcome of reading a file.
    struct Decoded
    {
        SettingsDocument document; ///< defaults where the file said nothing
        Parts parts;               ///< the sections the file held
        Kind kind = Kind::Settings;
        int fileVersion = 0; ///< the version the file was written as; 0 when unknown
        SettingsIssues issues;
        QList<RecoveredSecret> recoveredSecrets; ///< plain-text passwords found

        /// Usable: no errors (warnings may remain).
        bool ok() const { return !SettingsIssue::anyError(issues); }
        bool migrated() const { return ok() && fileVersion < SettingsDocument::currentVersion; }
    };

    /// Indented JSON with a trailing newline, holding only parts.
    static QByteArray encode(const SettingsDocument& document, Parts parts = allParts(),
                             Kind kind = Kind::Settings);
    static QJsonObject toJson(const SettingsDocument& document, Parts parts = allParts(),
                              Kind kind = Kind::Settings);
    /// Parses, checks the version, migrates and reads every field.
    static Decoded decode(const QByteArray& bytes);
    /// Reads an object already parsed and migrated to the current version.
    static Decoded fromJson(const QJsonObject& root);

    /// The names used in the file ("host-regex", "socks5", "block" …).
    static QString matcherName(Rule::Matcher matcher);
    static QString profileTypeName(UpstreamProfile::Type type);
    static QString actionKindName(RouteAction::Kind kind);

    static constexpr int maxFileBytes = 64 * 1024 * 1024;
};

} // namespace Switchyard

Q_DECLARE_OPERATORS_FOR_FLAGS(Switchyard::SettingsCodec::Parts)
