// Entry point of `cdktf synth`: every environment file in INFRA_CONFIG_DIR (default config/)
// becomes one stack per cloud section, e.g. aws-prod. See stacks/app.ts.
import { main } from "./stacks/app";

main(process.env.INFRA_CONFIG_DIR ?? "config");
