#pragma once

#include "SettingsCodec.h"

class QJsonObject;
class QJsonValue;

namespace Switchyard {

class JsonFieldReader;

/// The reading half of SettingsCodec: fills one Decoded (the document, the
/// issues found so far and the passwords found in plain text) from an object
/// already migrated to the current version. Every bad field is reported with
/// its path rather than guessed at.
class SettingsDocumentReader
{
public:
    explicit SettingsDocumentReader(SettingsCodec::Decoded* result) : m_result(result) {}

    void read(const QJsonObject& rootObject);

private:
    SettingsIssues* issues() { return &m_result->issues; }
    SettingsDocument& document() { return m_result->document; }
    void present(SettingsCodec::Part part) { m_result->parts |= part; }

    /// Takes a plain-text password out of the file for the keychain.
    void recover(const QString& key, JsonFieldReader& reader, const QString& field);
    void readNetwork(JsonFieldReader& root);
    void readProfiles(JsonFieldReader& root);
    bool readAction(const QJsonObject& object, const QString& path, RouteAction* out);
    void readRule(const QJsonValue& value, const QString& path);
    void readRouting(JsonFieldReader& root);
    void readColumnWidths(const QJsonObject& object, const QString& path);
    void readUi(JsonFieldReader& root);

    SettingsCodec::Decoded* m_result;
};

} // namespace Switchyard
