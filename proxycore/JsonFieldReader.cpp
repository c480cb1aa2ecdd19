#include "JsonFieldReader.h"

#include <QJsonValue>
#include <cmath>

namespace Switchyard {

JsonFieldReader::JsonFieldReader(const QJsonObject& object, const QString& path,
                                 SettingsIssues* issues)
    : m_object(object), m_path(path), m_issues(issues)
{}

QString JsonFieldReader::pathOf(const QString& key) const
{
    return m_path.isEmpty() ? key : m_path + u'.' + key;
}

void JsonFieldReader::error(const QString& key, const QString& message)
{
    m_issues->append(SettingsIssue::error(pathOf(key), message));
}

void JsonFieldReader::warning(const QString& key, const QString& message)
{
    m_issues->append(SettingsIssue::warning(pathOf(key), message));
}

QJsonValue JsonFieldReader::take(const QString& key, Need need)
{
    m_read.insert(key);
    const auto found = m_object.constFind(key);
    if (found == m_object.constEnd()) {
        if (need == Need::Required)
            error(key, tr("missing"));
        return QJsonValue(QJsonValue::Undefined);
    }
    return found.value();
}

void JsonFieldReader::wrongType(const QString& key, const QString& expected,
                                const QJsonValue& value)
{
    error(key, tr("must be %1, not %2").arg(expected, describeType(value)));
}

bool JsonFieldReader::readBool(const QString& key, bool* out, Need need)
{
    const QJsonValue value = take(key, need);
    if (value.isUndefined())
        return false;
    if (!value.isBool()) {
        wrongType(key, tr("true or false"), value);
        return false;
    }
    *out = value.toBool();
    return true;
}

bool JsonFieldReader::readInteger(const QString& key, qint64 min, qint64 max, qint64* out,
                                  Need need)
{
    const QJsonValue value = take(key, need);
    if (value.isUndefined())
        return false;
    if (!value.isDouble()) {
        wrongType(key, tr("a whole number"), value);
        return false;
    }
    const double number = value.toDouble();
    // Doubles hold every integer up to 2^53 exactly; our ranges are far below that.
    if (std::trunc(number) != number || number < double(min) || number > double(max)) {
        error(key, tr("must be a whole number from %1 to %2, not %3")
                       .arg(min)
                       .arg(max)
                       .arg(QString::number(number, 'g', 17)));
        return false;
    }
    *out = qint64(number);
    return true;
}

bool JsonFieldReader::readInt(const QString& key, int min, int max, int* out, Need need)
{
    qint64 wide = 0;
    if (!readInteger(key, min, max, &wide, need))
        return false;
    *out = int(wide);
    return true;
}

bool JsonFieldReader::readString(const QString& key, QString* out, Need need)
{
    const QJsonValue value = take(key, need);
    if (value.isUndefined())
        return false;
    if (!value.isString()) {
        wrongType(key, tr("a string"), value);
        return false;
    }
    *out = value.toString();
    return true;
}

bool JsonFieldReader::readNonEmptyString(const QString& key, QString* out, Need need)
{
    QString text;
    if (!readString(key, &text, need))
        return false;
    if (text.trimmed().isEmpty()) {
        error(key, tr("must not be empty"));
        return false;
    }
    *out = text;
    return true;
}

bool JsonFieldReader::readBase64(const QString& key, QByteArray* out, Need need)
{
    QString text;
    if (!readString(key, &text, need))
        return false;
    const auto decoded =
        QByteArray::fromBase64Encoding(text.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded) {
        error(key, tr("is not valid base64"));
        return false;
    }
    *out = *decoded;
    return true;
}

bool JsonFieldReader::readObject(const QString& key, QJsonObject* out, Need need)
{
    const QJsonValue value = take(key, need);
    if (value.isUndefined())
        return false;
    if (!value.isObject()) {
        wrongType(key, tr("an object"), value);
        return false;
    }
    *out = value.toObject();
    return true;
}

bool JsonFieldReader::readArray(const QString& key, QJsonArray* out, Need need)
{
    const QJsonValue value = take(key, need);
    if (value.isUndefined())
        return false;
    if (!value.isArray()) {
        wrongType(key, tr("a list"), value);
        return false;
    }
    *out = value.toArray();
    return true;
}

void JsonFieldReader::reportUnknownKeys()
{
    for (auto it = m_object.constBegin(); it != m_object.constEnd(); ++it) {
        if (!m_read.contains(it.key()))
            warning(it.key(), tr("unknown setting, ignored (it will be dropped when the "
                                 "settings are next saved)"));
    }
}

QString JsonFieldReader::describeType(const QJsonValue& value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return tr("null");
    case QJsonValue::Bool:
        return value.toBool() ? tr("true") : tr("false");
    case QJsonValue::Double:
        return tr("the number %1").arg(QString::number(value.toDouble(), 'g', 17));
    case QJsonValue::String:
        return tr("a string");
    case QJsonValue::Array:
        return tr("a list");
    case QJsonValue::Object:
        return tr("an object");
    case QJsonValue::Undefined:
        break;
    }
    return tr("nothing");
}

} // namespace Switchyard
