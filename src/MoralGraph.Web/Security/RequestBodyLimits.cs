using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace MoralGraph.Web.Security;

/// <summary>
/// How large a request body may be. Kestrel refuses anything over <see cref="DefaultBytes"/>; an endpoint declares a
/// smaller limit with <see cref="RequestSizeLimitAttribute"/> metadata (<see cref="Limit"/>). Over its limit a request
/// is answered 413 with a problem document before anything of it is used, whether the length is declared up front or
/// the body turns out longer while it is read, and whatever server runs the app (the test server has no limit of its
/// own, so the limit is counted here too).
/// </summary>
public static class RequestBodyLimits
{
    /// <summary>Any request (pages, Blazor's and the study hub's fallbacks): 1 MB.</summary>
    public const long DefaultBytes = 1024 * 1024;

    /// <summary>The sign-in, sign-out and setup forms: a username, a password twice, a token and an antiforgery token.</summary>
    public const long AccountFormBytes = 16 * 1024;

    /// <summary>The facilitator API (<c>/api/studies</c>): it only reads, so a request has nothing to send.</summary>
    public const long FacilitatorApiBytes = 16 * 1024;

    /// <summary>The participant API: the largest is a values card or an interview answer, far under this.</summary>
    public const long ParticipantApiBytes = 64 * 1024;

    /// <summary>Endpoint metadata limiting its request bodies to <paramref name="bytes"/>.</summary>
    public static RequestSizeLimitAttribute Limit(long bytes) => new(bytes);

    /// <summary>Enforces each endpoint's limit (or <see cref="DefaultBytes"/>); place it before anything reads a body.</summary>
    public static IApplicationBuilder UseRequestBodyLimits(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Use(async (context, next) =>
        {
            var limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>() is { } declared
                ? declared.MaxRequestBodySize
                : DefaultBytes;
            if (limit is not { } bytes || context.WebSockets.IsWebSocketRequest
                || context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
            {
                await next(context);
                return;
            }

            if (context.Request.ContentLength > bytes)
            {
                await TooLargeAsync(context, bytes);
                return;
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } serverLimit)
            {
                serverLimit.MaxRequestBodySize = bytes;
            }

            var original = context.Request.Body;
            await using var counted = new CountedRequestBody(original, bytes);
            context.Request.Body = counted;
            try
            {
                await next(context);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge || counted.Exceeded)
            {
                // Whoever read the body let the refusal through (Development throws from bad requests); it is answered below.
                counted.Exceeded = true;
            }
            finally
            {
                context.Request.Body = original;
            }

            // Readers that catch it (minimal APIs' binding, antiforgery's form reading) leave a bare 413 or 400 behind.
            if (counted.Exceeded && !context.Response.HasStarted)
            {
                context.Response.Clear();
                await TooLargeAsync(context, bytes);
            }
        });
    }

    private static Task TooLargeAsync(HttpContext context, long bytes) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "Request too large",
            detail: $"This address accepts request bodies of at most {bytes / 1024:N0} KB. Nothing was stored.")
        .ExecuteAsync(context);

    /// <summary>The request body, read through a count that refuses (as Kestrel does) once it passes the limit.</summary>
    private sealed class CountedRequestBody(Stream inner, long limit) : Stream
    {
        private long _read;

        public bool Exceeded { get; set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            try
            {
                return Count(inner.Read(buffer));
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                Exceeded = true;
                throw;
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return Count(await inner.ReadAsync(buffer, cancellationToken));
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                Exceeded = true;
                throw;
            }
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int read)
        {
            _read += read;
            if (_read > limit)
            {
                Exceeded = true;
                throw new BadHttpRequestException($"The request body is larger than {limit} bytes.", StatusCodes.Status413PayloadTooLarge);
            }

            return read;
        }
    }
}
