#include "Curl.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>

namespace {

// Markers around the -w output. The format must not start with '@' (curl would
// read it from a file of that name).
const QByteArray kBegin = QByteArrayLiteral("<#SYW-BEGIN#>");
const QByteArray kEnd = QByteArrayLiteral("<#SYW-END#>");
const QByteArray kItem = QByteArrayLiteral("<#SYW:");
const QByteArray kNameEnd = QByteArrayLiteral("#>");
const QByteArray kItemEnd = QByteArrayLiteral("<#/SYW#>");

QHash<QString, QByteArray> parseBlock(const QByteArray& block)
{
    QHash<QString, QByteArray> values;
    qsizetype pos = 0;
    for (;;) {
        const qsizetype start = block.indexOf(kItem, pos);
        if (start < 0)
            break;
        const qsizetype nameEnd = block.indexOf(kNameEnd, start + kItem.size());
        const qsizetype valueEnd = block.indexOf(kItemEnd, nameEnd);
        if (nameEnd < 0 || valueEnd < 0)
            break;
        const QString name =
            QString::fromLatin1(block.mid(start + kItem.size(), nameEnd - start - kItem.size()));
        const qsizetype valueStart = nameEnd + kNameEnd.size();
        values.insert(name, block.mid(valueStart, valueEnd - valueStart));
        pos = valueEnd + kItemEnd.size();
    }
    return values;
}

} // namespace

QJsonObject CurlTransfer::headers() const
{
    return QJsonDocument::fromJson(values.value(QStringLiteral("header_json"))).object();
}

QByteArray CurlTransfer::header(const QString& name) const
{
    const QJsonArray list = headers().value(name.toLower()).toArray();
    return list.isEmpty() ? QByteArray() : list.first().toString().toUtf8();
}

int CurlResult::socksReply() const
{
    static const QRegularExpression pattern(
        QStringLiteral(R"(Can't complete SOCKS[45] connection to .*\((\d+)\))"));
    const QRegularExpressionMatch match = pattern.match(QString::fromUtf8(stdErr));
    return match.hasMatch() ? match.captured(1).toInt() : -1;
}

QByteArray CurlResult::describe() const
{
    return "curl " + QByteArray(finished ? "exit " + QByteArray::number(exitCode) : "timed out") +
           ": " + stdErr.trimmed();
}

QString Curl::program()
{
    return QStringLiteral("/usr/bin/curl");
}

CurlResult Curl::run(const QStringList& args, int maxTimeSec, const QStringList& extraWriteOut)
{
    QStringList variables{QStringLiteral("http_code"),     QStringLiteral("num_connects"),
                          QStringLiteral("size_download"), QStringLiteral("size_upload"),
                          QStringLiteral("http_connect"),  QStringLiteral("header_json")};
    variables += extraWriteOut;
    QString format = QString::fromLatin1(kBegin);
    for (const QString& variable : std::as_const(variables))
        format += QString::fromLatin1(kItem) + variable + QString::fromLatin1(kNameEnd) +
                  QStringLiteral("%{") + variable + QStringLiteral("}") +
                  QString::fromLatin1(kItemEnd);
    format += QString::fromLatin1(kEnd);

    // --next starts a fresh set of per-transfer options, so repeat ours after it.
    const QStringList perTransfer{QStringLiteral("--max-time"), QString::number(maxTimeSec),
                                  QStringLiteral("-w"), format};
    QStringList fullArgs{QStringLiteral("-q"), QStringLiteral("-sS")};
    fullArgs += perTransfer;
    for (const QString& arg : args) {
        fullArgs.append(arg);
        if (arg == QStringLiteral("--next") || arg == QStringLiteral(":"))
            fullArgs += perTransfer;
    }

    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const QString& key : environment.keys()) {
        if (key.endsWith(QStringLiteral("_proxy"), Qt::CaseInsensitive))
            environment.remove(key);
    }
    environment.insert(QStringLiteral("CURL_HOME"), QStringLiteral("/nonexistent"));

    CurlResult result;
    QProcess process;
    process.setProcessEnvironment(environment);
    QElapsedTimer timer;
    timer.start();
    process.start(program(), fullArgs);
    const bool started = process.waitForStarted(10'000);
    result.finished = started && process.waitForFinished((maxTimeSec + 10) * 1000) &&
                      process.exitStatus() == QProcess::NormalExit;
    if (!result.finished) {
        process.kill();
        process.waitForFinished(5000);
    }
    result.elapsedMs = timer.elapsed();
    result.exitCode = result.finished ? process.exitCode() : -1;
    result.stdErr = process.readAllStandardError();
    if (!started)
        result.stdErr += process.errorString().toUtf8();
    const QByteArray out = process.readAllStandardOutput();

    qsizetype pos = 0;
    for (;;) {
        const qsizetype begin = out.indexOf(kBegin, pos);
        if (begin < 0)
            break;
        const qsizetype end = out.indexOf(kEnd, begin);
        if (end < 0)
            break;
        CurlTransfer transfer;
        transfer.body = out.mid(pos, begin - pos);
        transfer.values = parseBlock(out.mid(begin, end - begin));
        result.stdOut += transfer.body;
        result.transfers.append(transfer);
        pos = end + kEnd.size();
    }
    result.stdOut += out.mid(pos);
    return result;
}
