using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace MoralGraph.Web.Security;

/// <summary>
/// Endpoint metadata saying whether the caller proves who they are with a bearer token, for endpoints whose
/// authorization alone does not say so: the participant API lets anyone reach it and checks the participant's own
/// token (or cookie) itself, except to join and to resume.
/// </summary>
/// <param name="Required">Whether the endpoint needs the bearer token (or the cookie it stands for).</param>
public sealed record BearerTokenMetadata(bool Required);

/// <summary>The API-key and participant-token bearer scheme in the OpenAPI document, and the operations it secures.</summary>
public static class OpenApiSecurity
{
    /// <summary>The security scheme's name in the document's components.</summary>
    public const string SchemeName = "bearer";

    /// <summary>
    /// Declares the bearer scheme and marks every operation that needs it: those that need a signed-in facilitator or
    /// an API key (authorization required, not anonymous), and those marked with <see cref="BearerTokenMetadata"/>.
    /// </summary>
    public static OpenApiOptions AddBearerSecurity(this OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "mgk_… (API key) or mgp_… (participant token)",
                Description = "An API key of the study (`moralgraph apikey create`, or the console's access page) for /api/studies; " +
                    "the participant token that join and resume answer for the participant API. A signed-in facilitator's or " +
                    "participant's cookie works instead in a browser.",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            if (NeedsBearer(context.Description.ActionDescriptor.EndpointMetadata))
            {
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = [] });
            }

            return Task.CompletedTask;
        });
        return options;
    }

    private static bool NeedsBearer(IList<object> metadata) =>
        metadata.OfType<BearerTokenMetadata>().LastOrDefault() is { } marked
            ? marked.Required
            : metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();
}
