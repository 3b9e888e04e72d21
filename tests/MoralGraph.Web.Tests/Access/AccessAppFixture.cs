using Microsoft.AspNetCore.Mvc.Testing;
using MoralGraph.Core.Access;
using MoralGraph.Tests;
using MoralGraph.Web.Tests.Participation;

namespace MoralGraph.Web.Tests.Access;

/// <summary>
/// One running app for the access tests: the example study and a second study, an owner of every study and an
/// observer of the second study only; a live API key of the example study and a revoked one.
/// </summary>
public sealed class AccessAppFixture : IAsyncLifetime
{
    public const string StudySlug = "dft-2023-example";
    public const string OtherSlug = "other-study";
    public const string OtherObserver = "other-observer";

    public MoralGraphAppFactory Factory { get; } = new MoralGraphAppFactory()
        .WithStudyFile("dft-2023.yaml", File.ReadAllText(RepositoryFiles.PathOf("studies/dft-2023.yaml")))
        .WithStudyFile("other.yaml", JourneyAppFixture.StudyYaml(OtherSlug, "voting"));

    /// <summary>No cookies, no key, redirects shown as sent.</summary>
    public HttpClient Anonymous { get; private set; } = null!;

    /// <summary>Signed in as the owner of every study.</summary>
    public HttpClient Owner { get; private set; } = null!;

    /// <summary>Signed in as an observer of <see cref="OtherSlug"/> only.</summary>
    public HttpClient ObserverOfOther { get; private set; } = null!;

    /// <summary>Sends a live API key of <see cref="StudySlug"/>.</summary>
    public HttpClient KeyOfStudy { get; private set; } = null!;

    /// <summary>Sends an API key of <see cref="StudySlug"/> that was revoked.</summary>
    public HttpClient RevokedKey { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Anonymous = Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        Owner = await Factory.OwnerClientAsync();
        await Factory.CreateFacilitatorAsync(OtherObserver, FacilitatorRole.Observer, OtherSlug);
        ObserverOfOther = await Factory.SignedInClientAsync(OtherObserver, AccessTestClients.Password);
        (_, KeyOfStudy) = await Factory.ApiKeyClientAsync(StudySlug);
        var (revoked, revokedClient) = await Factory.ApiKeyClientAsync(StudySlug);
        await Factory.Access().RevokeApiKeyAsync(revoked.Split('_')[1], AccessTestClients.OwnerName);
        RevokedKey = revokedClient;
    }

    public async Task DisposeAsync()
    {
        Anonymous.Dispose();
        Owner.Dispose();
        ObserverOfOther.Dispose();
        KeyOfStudy.Dispose();
        RevokedKey.Dispose();
        await Factory.DisposeAsync();
    }
}
