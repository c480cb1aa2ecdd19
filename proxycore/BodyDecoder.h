#pragma once

#include "LogEvent.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QCoreApplication>
#include <QString>

namespace Switchyard {

/// Undoes the Content-Encoding of a captured body for display and export: gzip
/// (and x-gzip), deflate (zlib-wrapped, or raw as some servers send it) and br
/// (brotli, with the system libbrotlidec), several of them in sequence ("gzip,
/// deflate", "br, gzip"). A body cut off by the capture cap decodes as far as it
/// goes. Other codings (zstd, compress …) are left as they are: Unsupported.
class BodyDecoder
{
    Q_DECLARE_TR_FUNCTIONS(BodyDecoder)
public:
    enum class Status {
        Identity,    ///< no content coding: body is the input as it was
        Decoded,     ///< every coding undone
        Partial,     ///< decoded as far as the data (or the output cap) went
        Unsupported, ///< a coding this decoder does not know (zstd …): body is the input
        Failed,      ///< the data is not what the coding says: body is the input
    };

    struct Result
    {
        Status status = Status::Identity;
        QByteArray body;
        QByteArray encoding; ///< the Content-Encoding that applied, lower case
        QString error;       ///< why Partial, Unsupported or Failed

        bool changed() const { return status == Status::Decoded || status == Status::Partial; }
    };

    /// Decoded output stops here: a small compressed capture must not expand
    /// into gigabytes.
    static constexpr qsizetype defaultOutputLimit = 32 * 1024 * 1024;

    /// The Content-Encoding of these headers, lower case, every field joined by ", ".
    static QByteArray contentEncoding(const HeaderList& headers);
    /// Undoes contentEncoding (a field value such as "gzip" or "deflate, gzip").
    static Result decode(const QByteArray& body, QByteArrayView contentEncoding,
                         qsizetype outputLimit = defaultOutputLimit);

    /// One zlib stream: gzip and zlib are told apart by their header; raw
    /// deflate is tried when allowRaw and neither header is there.
    static Result inflate(const QByteArray& body, bool allowRaw, qsizetype outputLimit);
    /// One brotli stream (RFC 7932). Brotli has no magic number, so a few bytes
    /// of anything can look like the start of a stream: input that ends before
    /// any output is Failed, not Partial.
    static Result brotli(const QByteArray& body, qsizetype outputLimit);

private:
    enum class Wrapper { Auto, Raw };
    static Result inflateStream(const QByteArray& input, Wrapper wrapper, qsizetype outputLimit);
};

} // namespace Switchyard
