#pragma once

#include "SettingsIssue.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QSet>
#include <QString>

namespace Switchyard {

/// Reads the fields of one JSON object for SettingsCodec. Every read checks the
/// type and range and, when a field is wrong, records an error naming its full
/// path ("profiles[2].port") instead of guessing a value. Keys that nobody read
/// are reported as warnings by reportUnknownKeys().
class JsonFieldReader
{
    Q_DECLARE_TR_FUNCTIONS(JsonFieldReader)
public:
    enum class Need { Optional, Required };

    /// path is where object sits ("" for the root, "profiles[2]" …); issues
    /// collects what is wrong and must outlive the reader.
    JsonFieldReader(const QJsonObject& object, const QString& path, SettingsIssues* issues);

    const QString& path() const { return m_path; }
    bool has(const QString& key) const { return m_object.contains(key); }
    /// "profiles[2].port" for key "port".
    QString pathOf(const QString& key) const;
    void error(const QString& key, const QString& message);
    void warning(const QString& key, const QString& message);

    // Each read returns true when the field was there and valid, and only then
    // writes *out. An absent optional field returns false and records nothing;
    // an absent required one records an error.
    bool readBool(const QString& key, bool* out, Need need = Need::Optional);
    bool readInteger(const QString& key, qint64 min, qint64 max, qint64* out,
                     Need need = Need::Optional);
    bool readInt(const QString& key, int min, int max, int* out, Need need = Need::Optional);
    bool readString(const QString& key, QString* out, Need need = Need::Optional);
    /// A string that must not be empty once trimmed.
    bool readNonEmptyString(const QString& key, QString* out, Need need = Need::Optional);
    bool readBase64(const QString& key, QByteArray* out, Need need = Need::Optional);
    bool readObject(const QString& key, QJsonObject* out, Need need = Need::Optional);
    bool readArray(const QString& key, QJsonArray* out, Need need = Need::Optional);
    /// Marks a key as read without checking it (it is handled elsewhere).
    void skip(const QString& key) { m_read.insert(key); }
    /// Warns about every key that no read asked for: a typo, or a field this
    /// build does not know. The warning says the key will be dropped on save.
    void reportUnknownKeys();

    /// "a string", "a number", "true or false", "an object", "a list", "null".
    static QString describeType(const QJsonValue& value);

private:
    /// The value of key, marked as read; Undefined when absent (an error is
    /// recorded if the field is required).
    QJsonValue take(const QString& key, Need need);
    void wrongType(const QString& key, const QString& expected, const QJsonValue& value);

    QJsonObject m_object;
    QString m_path;
    SettingsIssues* m_issues;
    QSet<QString> m_read;
};

} // namespace Switchyard
