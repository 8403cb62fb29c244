/**
 * Container mode of the InstanceGroup: each instance runs one container image, started by the
 * generated boot script (./boot-script.ts) instead of a hand-written user data script. This file
 * holds what only container mode needs: its props, their validation, the default image, and the
 * log group and IAM permissions the container runtime uses.
 *
 * A release changes the image, so it changes the boot script and nothing else: the launch template
 * gets a new version and the autoscaling group's instance refresh replaces the instances with the
 * load balancer's health check in the loop. Target groups, rules and the load balancer never change.
 */
import { Fn, ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { ContainerLaunch, ecrRegistry } from "../../lib/container-boot";
import { PropsFailure } from "../../lib/errors";
import { awsContainerBootScript } from "./boot-script";
import { AWS_USER_DATA_MAX_BYTES, CLOUDWATCH_LOG_RETENTION_DAYS } from "./limits";

/**
 * The ECS-optimized Amazon Linux 2023 image (Docker preinstalled), resolved by EC2 at launch. Parameter
 * names from https://docs.aws.amazon.com/AmazonECS/latest/developerguide/retrieve-ecs-optimized_AMI.html,
 * checked 2026-12-01.
 */
export const ECS_OPTIMIZED_X86_64_IMAGE_ID = "resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id";
/** The arm64 build of the same image, picked for Graviton instance types. */
export const ECS_OPTIMIZED_ARM64_IMAGE_ID = "resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id";
/**
 * The ECS-optimized images ship a 30 GiB root snapshot (`block_device_size_gb` in github.com/aws/amazon-ecs-ami),
 * and EC2 refuses a smaller root volume, so this is both their default and their minimum.
 */
export const ECS_OPTIMIZED_ROOT_VOLUME_GB = 30;

/** The default image of container mode for the instance type's architecture. */
export function ecsOptimizedImageId(arm64: boolean): string {
  return arm64 ? ECS_OPTIMIZED_ARM64_IMAGE_ID : ECS_OPTIMIZED_X86_64_IMAGE_ID;
}
const DEFAULT_LOG_RETENTION_DAYS = 30;

/** What an InstanceGroup in container mode runs. */
export interface InstanceContainer {
  /**
   * Image reference, e.g. "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web:1.4.2" or
   * "public.ecr.aws/nginx/nginx:1.27". An image in a private ECR repository gets pull permissions on
   * that repository only; any other image is pulled anonymously. A literal, not a token: the
   * permissions are derived from it at synthesis.
   */
  readonly image: string;
  /**
   * The container's environment. Names are letters, digits and "_", not starting with a digit;
   * values may be tokens (e.g. a database endpoint), which Terraform fills in.
   * @default no variables
   */
  readonly env?: Record<string, string>;
  /** Region of the stack: where the container's logs go. */
  readonly region: string;
  /**
   * Days CloudWatch keeps the container's logs: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400,
   * 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653.
   * @default 30
   */
  readonly logRetentionDays?: number;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// What the boot script accepts (lib/container-boot.ts), checked here to report it as a props problem.
const IMAGE = /^[a-z0-9][A-Za-z0-9._:/@-]*$/;
/** The group's name names the container too, and container names are lower case. */
export const CONTAINER_NAME = /^[a-z][a-z0-9-]*$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Refuses a container spec that could not boot; `fail` throws. */
export function validateContainer(container: InstanceContainer, fail: PropsFailure): void {
  const image = container.image;
  if (typeof image !== "string" || image.length === 0) fail("container.image", "is empty", 'an image reference, e.g. "nginx:1.27"');
  if (Token.isUnresolved(image)) {
    fail("container.image", "is a token", "a literal image reference: the registry permissions are derived from it at synthesis");
  }
  if (!IMAGE.test(image)) fail("container.image", `"${image}" is not an image reference`, 'registry/repository:tag or ...@sha256:digest, e.g. "nginx:1.27"');
  const region = container.region;
  if (typeof region !== "string" || (!Token.isUnresolved(region) && !REGION.test(region))) {
    fail("container.region", `"${region}" is not an AWS region`, 'e.g. "eu-west-1"');
  }
  for (const [name, value] of Object.entries(container.env ?? {})) {
    if (!ENV_NAME.test(name)) fail(`container.env.${name}`, "is not a variable name", 'letters, digits and "_", not starting with a digit');
    if (typeof value !== "string") fail(`container.env.${name}`, "is not a string", "a string or a string token");
    // The boot script writes one variable per line of an env file.
    if (/[\r\n]/.test(value)) fail(`container.env.${name}`, "contains a line break", "a single-line value");
  }
  const retention = container.logRetentionDays;
  if (retention !== undefined && !CLOUDWATCH_LOG_RETENTION_DAYS.includes(retention)) {
    fail("container.logRetentionDays", `${retention} is not a CloudWatch retention period`, `one of ${CLOUDWATCH_LOG_RETENTION_DAYS.join(", ")}`);
  }
}

/** The partition of a region, for ARNs built from parts. */
function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

export interface ContainerRuntimeOptions {
  /** The instance group's name: names the container, the log group ("/<name>") and the policies. */
  readonly name: string;
  readonly port: number;
  /** The instance role the permissions go to. */
  readonly roleName: string;
  readonly container: InstanceContainer;
  readonly fail: PropsFailure;
}

export interface ContainerRuntime {
  /** Base64 user data, encoded by Terraform because the environment may hold tokens. */
  readonly userData: string;
  /** What must exist before an instance boots: the log group and the role's permissions. */
  readonly prerequisites: ITerraformDependable[];
}

/** Creates the log group and the instance role's permissions for the container, and renders its boot script. */
export function addContainerRuntime(scope: Construct, options: ContainerRuntimeOptions): ContainerRuntime {
  const { name, container } = options;
  const logGroupName = `/${name}`;
  const logGroup = new CloudwatchLogGroup(scope, "container-logs", {
    name: logGroupName,
    retentionInDays: container.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS,
    tags: { Name: name },
  });
  // The permissions are inline policies: they belong to this role and go with it.
  const allow = (id: string, suffix: string, statements: object[]) =>
    new IamRolePolicy(scope, id, {
      name: `${name}-${suffix}`,
      role: options.roleName,
      policy: Fn.jsonencode({ Version: "2012-10-17", Statement: statements }),
    });
  const prerequisites: ITerraformDependable[] = [logGroup];
  // The group exists before any instance, so the runtime needs neither CreateLogGroup nor anything on "*".
  prerequisites.push(
    allow("container-logs-write", "container-logs", [
      { Sid: "WriteContainerLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logGroup.arn}:*` },
    ]),
  );
  // A public image needs no registry permissions at all.
  const registry = ecrRegistry(container.image);
  if (registry) {
    const repositoryArn = `arn:${partitionOf(registry.region)}:ecr:${registry.region}:${registry.accountId}:repository/${registry.repository}`;
    prerequisites.push(
      allow("ecr-pull", "ecr-pull", [
        // The registry login token cannot be scoped to a repository.
        { Sid: "RegistryLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
        {
          Sid: "PullImage",
          Effect: "Allow",
          Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
          Resource: repositoryArn,
        },
      ]),
    );
  }

  const launch: ContainerLaunch = { name, image: container.image, port: options.port, env: container.env ?? {} };
  const script = awsContainerBootScript(launch, { region: container.region, logGroupName });
  // With tokens in the environment the final size is only known to Terraform; EC2 then refuses it at launch.
  if (!Token.isUnresolved(script) && Buffer.byteLength(script, "utf8") > AWS_USER_DATA_MAX_BYTES) {
    options.fail(
      "container",
      `its boot script is ${Buffer.byteLength(script, "utf8")} bytes`,
      `EC2 user data allows ${AWS_USER_DATA_MAX_BYTES}: shorten container.env`,
    );
  }
  return { userData: Fn.base64encode(script), prerequisites };
}
