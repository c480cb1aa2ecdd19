#include "BodyDecoder.h"

#include <QList>
#include <brotli/decode.h>
// next_in is const: zlib only reads the input.
#define ZLIB_CONST
#include <zlib.h>

namespace Switchyard {

namespace {

bool looksLikeZlibOrGzip(const QByteArray& body)
{
    if (body.size() < 2)
        return false;
    const auto b0 = quint8(body.at(0));
    const auto b1 = quint8(body.at(1));
    if (b0 == 0x1f && b1 == 0x8b)
        return true;
    // zlib: deflate method, window ≤ 32 KiB, header checksum.
    return (b0 & 0x0f) == 8 && (b0 >> 4) <= 7 && ((b0 << 8) | b1) % 31 == 0;
}

} // namespace

// Inflates one input; gzip members may follow one another.
BodyDecoder::Result BodyDecoder::inflateStream(const QByteArray& input, Wrapper wrapper,
                                               qsizetype outputLimit)
{
    Result result;
    z_stream stream{};
    // 15 + 32: detect a gzip or zlib header; -15: raw deflate.
    const int windowBits = wrapper == Wrapper::Auto ? 15 + 32 : -15;
    if (inflateInit2(&stream, windowBits) != Z_OK) {
        result.status = Status::Failed;
        result.error = tr("zlib could not start");
        return result;
    }
    stream.next_in = reinterpret_cast<const Bytef*>(input.constData());
    stream.avail_in = uInt(input.size());
    QByteArray out;
    char chunk[64 * 1024];
    int code = Z_OK;
    bool limited = false;
    for (;;) {
        stream.next_out = reinterpret_cast<Bytef*>(chunk);
        stream.avail_out = sizeof(chunk);
        code = ::inflate(&stream, Z_NO_FLUSH);
        const qsizetype produced = qsizetype(sizeof(chunk) - stream.avail_out);
        out.append(chunk, produced);
        if (out.size() > outputLimit) {
            out.truncate(outputLimit);
            limited = true;
            break;
        }
        if (code == Z_STREAM_END) {
            // Another gzip member may follow (concatenated gzip is valid).
            if (stream.avail_in == 0 || wrapper == Wrapper::Raw)
                break;
            if (inflateReset(&stream) != Z_OK)
                break;
            continue;
        }
        if (code != Z_OK)
            break; // Z_BUF_ERROR: input ended early; anything else: bad data
        if (stream.avail_in == 0 && produced == 0)
            break;
    }
    const bool sawEnd = code == Z_STREAM_END;
    const uLong consumed = stream.total_in;
    inflateEnd(&stream);

    if (limited) {
        result.status = Status::Partial;
        result.error = tr("decoded body larger than %1 bytes").arg(outputLimit);
    } else if (sawEnd) {
        result.status = Status::Decoded;
    } else if (code == Z_OK || code == Z_BUF_ERROR) {
        if (out.isEmpty() && consumed == 0) {
            result.status = Status::Failed;
            result.error = tr("no compressed data");
        } else {
            result.status = Status::Partial;
            result.error = tr("compressed data ends early");
        }
    } else if (!out.isEmpty()) {
        result.status = Status::Partial;
        result.error = tr("compressed data is damaged after %1 bytes").arg(out.size());
    } else {
        result.status = Status::Failed;
        result.error = tr("not valid compressed data");
    }
    result.body = std::move(out);
    return result;
}

BodyDecoder::Result BodyDecoder::brotli(const QByteArray& body, qsizetype outputLimit)
{
    Result result;
    BrotliDecoderState* state = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
    if (!state) {
        result.status = Status::Failed;
        result.error = tr("brotli could not start");
        return result;
    }
    // The input goes in by steps: at an error the decoder drops what it has
    // decoded but not yet handed out, so a damaged stream keeps its output up
    // to the last step before the damage rather than the last window wrap.
    constexpr size_t inputStep = 16 * 1024;
    const auto* nextIn = reinterpret_cast<const uint8_t*>(body.constData());
    size_t availIn = 0;
    size_t remaining = size_t(body.size());
    QByteArray out;
    uint8_t chunk[64 * 1024];
    BrotliDecoderResult code = BROTLI_DECODER_RESULT_ERROR;
    bool limited = false;
    for (;;) {
        if (availIn == 0 && remaining > 0) {
            availIn = qMin(remaining, inputStep);
            remaining -= availIn;
        }
        uint8_t* nextOut = chunk;
        size_t availOut = sizeof(chunk);
        code =
            BrotliDecoderDecompressStream(state, &availIn, &nextIn, &availOut, &nextOut, nullptr);
        out.append(reinterpret_cast<const char*>(chunk), qsizetype(sizeof(chunk) - availOut));
        // Out of input, the decoder may still hold decoded bytes it has not
        // written out (libbrotli 1.0.9 does): take them, or a cut-off
        // capture would lose its last tens of kilobytes.
        while (code == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT && out.size() <= outputLimit &&
               BrotliDecoderHasMoreOutput(state)) {
            size_t size = 0;
            const uint8_t* pending = BrotliDecoderTakeOutput(state, &size);
            out.append(reinterpret_cast<const char*>(pending), qsizetype(size));
        }
        if (out.size() > outputLimit) {
            out.truncate(outputLimit);
            limited = true;
            break;
        }
        if (code == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT && remaining > 0)
            continue;
        // SUCCESS, ERROR, or NEEDS_MORE_INPUT with every byte given: the
        // capture ends inside the stream.
        if (code != BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT)
            break;
    }
    const BrotliDecoderErrorCode error = BrotliDecoderGetErrorCode(state);
    BrotliDecoderDestroyInstance(state);

    if (limited) {
        result.status = Status::Partial;
        result.error = tr("decoded body larger than %1 bytes").arg(outputLimit);
    } else if (code == BROTLI_DECODER_RESULT_SUCCESS) {
        // Bytes after the end of the stream are ignored, as for raw deflate.
        result.status = Status::Decoded;
    } else if (code == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT) {
        // Brotli has no magic number: a few bytes of anything can read as the
        // start of a stream, so nothing decoded means nothing to show.
        result.status = out.isEmpty() ? Status::Failed : Status::Partial;
        result.error = tr("compressed data ends early");
    } else if (!out.isEmpty()) {
        result.status = Status::Partial;
        result.error = tr("compressed data is damaged after %1 bytes").arg(out.size());
    } else {
        // The library's name of the error, such as "PADDING_1".
        result.status = Status::Failed;
        result.error = tr("not valid brotli data (%1)")
                           .arg(QString::fromLatin1(BrotliDecoderErrorString(error)));
    }
    result.body = std::move(out);
    return result;
}

QByteArray BodyDecoder::contentEncoding(const HeaderList& headers)
{
    QList<QByteArray> values;
    for (const HeaderField& field : headers) {
        if (field.first.compare("content-encoding", Qt::CaseInsensitive) == 0 &&
            !field.second.trimmed().isEmpty())
            values.append(field.second.trimmed().toLower());
    }
    return values.join(", ");
}

BodyDecoder::Result BodyDecoder::inflate(const QByteArray& body, bool allowRaw,
                                         qsizetype outputLimit)
{
    if (!allowRaw || looksLikeZlibOrGzip(body))
        return inflateStream(body, Wrapper::Auto, outputLimit);
    return inflateStream(body, Wrapper::Raw, outputLimit);
}

BodyDecoder::Result BodyDecoder::decode(const QByteArray& body, QByteArrayView contentEncoding,
                                        qsizetype outputLimit)
{
    Result result;
    result.body = body;
    result.encoding = contentEncoding.trimmed().toByteArray().toLower();
    QList<QByteArray> codings;
    for (const QByteArray& coding : result.encoding.split(',')) {
        const QByteArray name = coding.trimmed();
        if (!name.isEmpty() && name != "identity")
            codings.append(name);
    }
    if (codings.isEmpty() || body.isEmpty())
        return result;

    // Codings are listed in the order they were applied: undo the last first.
    QByteArray current = body;
    bool partial = false;
    QString partialWhy;
    for (auto it = codings.crbegin(); it != codings.crend(); ++it) {
        Result step;
        if (*it == "gzip" || *it == "x-gzip") {
            step = inflate(current, false, outputLimit);
        } else if (*it == "deflate") {
            step = inflate(current, true, outputLimit);
        } else if (*it == "br") {
            step = brotli(current, outputLimit);
        } else {
            result.status = Status::Unsupported;
            result.error = tr("the %1 content coding is not decoded").arg(QString::fromLatin1(*it));
            return result;
        }
        if (step.status == Status::Failed) {
            result.status = Status::Failed;
            result.error = QStringLiteral("%1: %2").arg(QString::fromLatin1(*it), step.error);
            return result;
        }
        if (step.status == Status::Partial) {
            partial = true;
            partialWhy = step.error;
        }
        current = std::move(step.body);
    }
    result.body = std::move(current);
    result.status = partial ? Status::Partial : Status::Decoded;
    result.error = partialWhy;
    return result;
}

} // namespace Switchyard
