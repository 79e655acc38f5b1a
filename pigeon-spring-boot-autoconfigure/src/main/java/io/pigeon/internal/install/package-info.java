/**
 * Installation of Pigeon's triggers, in Flyway's manner. {@code TriggerInstaller} runs the
 * three tasks (install, validate, export) from the same steps: {@code CatalogValidator} checks
 * the configuration against the catalog; {@code InstallPlanner} compares each configured or
 * recorded trigger with the history ({@code InstallHistory}) and the catalog
 * ({@code PostgresCatalog}) and gives it one {@code TriggerDrift}, which mode {@code auto}
 * acts on and mode {@code validate} reports; {@code InstallPreconditions} finds what would
 * stop the plan (foreign objects, missing privileges) before any DDL; {@code InstallExecutor}
 * applies it in short, retried transactions, each under a transaction-level
 * {@code AdvisoryLock} (safe behind a transaction-mode pooler); {@code DowngradeCheck} keeps an
 * instance of an older configuration version ({@code InstallOwner}) from applying it; and
 * {@code ScriptExporter} writes the same statements ({@code TriggerScript},
 * {@code SupportScript}, built by {@code InstallScripts}) for a DBA. The history's checksums
 * are of normalised SQL ({@code ScriptChecksum}), so that the generator's layout is free to
 * change.
 * <p>
 * The package knows nothing of Spring Boot's property names: problems name a configured
 * trigger by the path its caller gave it and a setting by {@code InstallSettings#name}, which
 * the caller fills in ({@code io.pigeon.autoconfigure} with {@code pigeon.install.*}).
 */
@NullMarked
package io.pigeon.internal.install;

import org.jspecify.annotations.NullMarked;
