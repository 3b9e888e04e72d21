namespace MoralGraph.Web.Hosting;

/// <summary>
/// Answers requests the app cannot serve because of how they were sent, not because of what they ask for, with a 4xx
/// and a sentence, instead of the 500 an exception deep in the pipeline would become.
/// </summary>
public static class MalformedRequests
{
    /// <summary>What a sender of an unreadable request reads.</summary>
    public const string UnreadableMessage =
        "That request could not be read: a form arrived without its security token (it was open too long, or was sent "
        + "from elsewhere), or with characters a form cannot carry, such as a NUL byte. Nothing was changed: go back, "
        + "reload the page and send it again.";

    /// <summary>
    /// Refuses a request with no Host header (HTTP/1.0 allows that; Kestrel refuses it only for HTTP/1.1) with 400:
    /// pages and redirects build absolute URLs from the host, and an empty one made them fail.
    /// </summary>
    public static IApplicationBuilder UseHostRequired(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (string.IsNullOrEmpty(context.Request.Host.Host))
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync("A Host header is required.", context.RequestAborted);
                return;
            }

            await next(context);
        });

    /// <summary>
    /// Refuses a form post whose antiforgery token is missing, forged or unreadable (a form with a NUL byte cannot be read
    /// at all) with 400 and <see cref="UnreadableMessage"/>, before any endpoint or error page reads the form. Left to
    /// the endpoint, the refusal went on to the not-found page, whose second read of the form the framework refuses with
    /// an exception, and the sender got 500.
    /// </summary>
    public static IApplicationBuilder UseAntiforgeryRefusal(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (context.Features.Get<Microsoft.AspNetCore.Antiforgery.IAntiforgeryValidationFeature>() is { IsValid: false } validation)
            {
                if (IsTooLarge(validation.Error))
                {
                    // The form could not be read because it passed its size limit: the body limit answers that with
                    // its 413 problem document once this returns, so write nothing here.
                    return;
                }

                context.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>()?.Enabled = false;
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync(UnreadableMessage, context.RequestAborted);
                return;
            }

            await next(context);
        });

    private static bool IsTooLarge(Exception? error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
            {
                return true;
            }
        }

        return false;
    }
}
