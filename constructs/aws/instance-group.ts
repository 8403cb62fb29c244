/**
 * One service's virtual machines on AWS: a launch template and an autoscaling group that
 * registers its instances with a target group the load balancer already owns. The stack opens the
 * service port to that load balancer with `instanceGroup.allowFrom(loadBalancer)`.
 *
 * Shell access goes through SSM Session Manager (the instance role carries
 * AmazonSSMManagedInstanceCore), so no key pair and no port 22 exist anywhere.
 *
 * Instances have no public address and egress through NAT, except in a NAT-less network
 * (`publicIp: true`, public subnets): the address only gives them a way out, because the
 * security group still admits nothing but the load balancer.
 *
 * With `container`, each instance runs one container image instead of a user data script
 * (./instance-container.ts): the ECS-optimized image by default, a log group, and pull permissions
 * for an ECR image.
 */
import { Fn, Token } from "cdktf";
import { Construct } from "constructs";
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { AutoscalingPolicy } from "@cdktf/provider-aws/lib/autoscaling-policy";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { PropsError, propsFailure } from "../../lib/errors";
import { Connectable, openTcpPath, peerProblem } from "./connections";
import { addContainerRuntime, CONTAINER_NAME, ECS_OPTIMIZED_ROOT_VOLUME_GB, ecsOptimizedImageId, InstanceContainer, validateContainer } from "./instance-container";

/** Amazon Linux 2023, resolved by EC2 at launch time (no data source, no API call at plan time). */
export const DEFAULT_X86_64_IMAGE_ID = "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";
/** The arm64 build of the same image, picked automatically for Graviton instance types. */
export const DEFAULT_ARM64_IMAGE_ID = "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64";

const SSM_MANAGED_INSTANCE_CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";
/** gp3 limits: 1 GiB .. 16 TiB; Amazon Linux 2023's snapshot is 8 GiB, so smaller roots cannot boot it. */
const MIN_ROOT_VOLUME_GB = 8;
const MAX_ROOT_VOLUME_GB = 16384;
/** Leaves room for the "-instance" suffix inside IAM's 64-character role name limit. */
const MAX_NAME_LENGTH = 48;

export interface InstanceGroupProps {
  /**
   * Base name of every resource (launch template, group, role, security group) and their `Name` tags.
   * Letters, digits and hyphens, starting with a letter, at most 48 characters.
   */
  readonly name: string;
  /** VPC that holds the subnets and the security group of the load balancer admitted with `allowFrom`. */
  readonly vpcId: string;
  /**
   * Subnets the instances run in (one per availability zone for resilience); at least one. Private
   * subnets with a NAT route, or public subnets together with `publicIp: true`.
   */
  readonly subnetIds: string[];
  /** EC2 instance type, e.g. "t3.medium". Graviton types (e.g. "t4g.medium") get the arm64 default image. */
  readonly instanceType: string;
  /** Port the service listens on and the load balancer sends traffic to (1-65535, never 22). */
  readonly port: number;
  /** Target group (owned by the load balancer construct) the instances register with. */
  readonly targetGroupArn: string;
  /** Fewest instances the group keeps running (>= 0). */
  readonly minSize: number;
  /** Most instances the group may scale out to (>= 1, >= minSize). */
  readonly maxSize: number;
  /**
   * Instance count at creation (minSize <= desired <= maxSize).
   * Left unset, AWS starts the group at `minSize` and Terraform never resets it afterwards; when set,
   * every apply resets the group to this number, overriding what the CPU policy scaled to.
   * @default minSize
   */
  readonly desiredCapacity?: number;
  /**
   * Plain start-up script (cloud-init user data); this construct base64-encodes it. Not with `container`,
   * which generates the user data.
   * @default no user data
   */
  readonly userData?: string;
  /**
   * Run this container image on every instance: a generated boot script starts it with its
   * environment on `port` and sends its output to the log group "/<name>". Changing the image or
   * the environment changes only the launch template; the instance refresh rolls it out.
   * The instance metadata hop limit becomes 2, so the container (one network hop further) can use
   * the instance role.
   * @default no container: the instances run `userData`
   */
  readonly container?: InstanceContainer;
  /**
   * AMI id, or an EC2 `resolve:ssm:` parameter reference that EC2 resolves at launch. With `container`,
   * an image with Docker.
   * @default "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"; with `container`
   * "resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"; the arm64 variant
   * of either for Graviton instance types
   */
  readonly imageId?: string;
  /**
   * Device name of the image's root volume, so the size and encryption apply to the root disk rather than an extra one.
   * Amazon Linux uses "/dev/xvda"; Ubuntu and Debian images use "/dev/sda1".
   * @default "/dev/xvda"
   */
  readonly rootDeviceName?: string;
  /**
   * Root volume size in GiB (encrypted gp3), 8-16384; at least 30 for the default container image.
   * @default 20; 30 with `container` and the default image
   */
  readonly rootVolumeSizeGb?: number;
  /**
   * Seconds a new instance may take to pass the load balancer's health check before it is replaced (0-7200).
   * @default 300
   */
  readonly healthCheckGracePeriodSeconds?: number;
  /**
   * Average CPU utilization (percent, 1-100) the target-tracking policy keeps the group at.
   * @default 60
   */
  readonly cpuTargetPercent?: number;
  /**
   * Share of capacity (percent, 0-100) that must stay healthy while an instance refresh replaces
   * instances. At 100, new instances are launched (up to twice the capacity) before old ones are
   * terminated, so a one-instance group never goes dark during a rollout.
   * @default 100
   */
  readonly instanceRefreshMinHealthyPercent?: number;
  /**
   * One-minute EC2 metrics (paid) instead of five-minute ones, so the CPU policy reacts faster.
   * @default true
   */
  readonly detailedMonitoring?: boolean;
  /**
   * Give each instance a public IPv4 address, for a network without NAT where the instances run in
   * public subnets and reach package repositories and AWS APIs through the internet gateway.
   * Inbound traffic is unchanged: only the load balancer's security group is admitted.
   * AWS bills every public IPv4 address.
   * @default false
   */
  readonly publicIp?: boolean;
}

/**
 * Launch template + autoscaling group + service security group + SSM-enabled instance role.
 * Nothing reaches the instances until `allowFrom(loadBalancer)` admits their load balancer;
 * synthesis fails (node validation) when it was never called.
 */
export class InstanceGroup extends Construct implements Connectable {
  /** The instances' security group: admit it as a client with `database.allowFrom(instanceGroup)`. */
  readonly securityGroupId: string;
  readonly autoScalingGroupName: string;
  readonly autoScalingGroupArn: string;
  readonly launchTemplateId: string;
  /** Attach further policies (e.g. reading the database secret) to this role. */
  readonly instanceRoleName: string;
  readonly port: number;
  /** The container's log group ("/<name>"); undefined without `container`. */
  readonly containerLogGroupName?: string;
  private readonly name: string;
  /** Security groups admitted by `allowFrom` (at most the one load balancer). */
  private readonly admitted: string[] = [];

  constructor(scope: Construct, id: string, props: InstanceGroupProps) {
    super(scope, id);
    validate(id, props);
    this.node.addValidation({
      validate: () =>
        this.admitted.length > 0
          ? []
          : [
              `InstanceGroup '${id}': no load balancer admitted (call allowFrom(loadBalancer) with the load balancer of its target group; ` +
                `until then neither requests nor health checks reach the instances)`,
            ],
    });

    const name = props.name;
    const tags = { Name: name };
    const desiredCapacity = props.desiredCapacity;
    const arm64 = isGravitonInstanceType(props.instanceType);
    const container = props.container;
    const imageId = props.imageId ?? (container ? ecsOptimizedImageId(arm64) : arm64 ? DEFAULT_ARM64_IMAGE_ID : DEFAULT_X86_64_IMAGE_ID);

    const securityGroup = new SecurityGroup(this, "security-group", {
      name: `${name}-instances`,
      description: `Instances of ${name}: service port from the load balancer only`,
      vpcId: props.vpcId,
      tags: { Name: `${name}-instances` },
    });

    // The service port is opened to the load balancer by allowFrom, called by the stack.

    // Package repositories, SSM and other AWS APIs are all HTTPS (through NAT, or the internet gateway with publicIp).
    new VpcSecurityGroupEgressRule(this, "egress-https", {
      securityGroupId: securityGroup.id,
      description: "HTTPS to package repositories and AWS APIs",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: "0.0.0.0/0",
      tags,
    });

    const role = new IamRole(this, "instance-role", {
      name: `${name}-instance`,
      description: `Instances of ${name}`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
      tags,
    });
    new IamRolePolicyAttachment(this, "ssm-managed-instance-core", {
      role: role.name,
      policyArn: SSM_MANAGED_INSTANCE_CORE,
    });
    const instanceProfile = new IamInstanceProfile(this, "instance-profile", {
      name: `${name}-instance`,
      role: role.name,
      tags,
    });
    const runtime =
      container &&
      addContainerRuntime(this, { name, port: props.port, roleName: role.name, container, fail: propsFailure("InstanceGroup", id) });

    const launchTemplate = new LaunchTemplate(this, "launch-template", {
      name,
      description: `Instances of ${name}`,
      imageId,
      instanceType: props.instanceType,
      // Unresolved tokens (e.g. a rendered template) cannot be encoded here: Terraform does it.
      userData:
        runtime?.userData ??
        (props.userData === undefined
          ? undefined
          : Token.isUnresolved(props.userData)
            ? Fn.base64encode(props.userData)
            : Buffer.from(props.userData, "utf8").toString("base64")),
      updateDefaultVersion: true,
      iamInstanceProfile: { arn: instanceProfile.arn },
      // Hop limit 1 keeps the instance credentials away from anything one network hop further
      // (containers in bridge mode, forwarded traffic); 2 only for the container that needs them.
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: container ? 2 : 1,
        instanceMetadataTags: "disabled",
      },
      blockDeviceMappings: [
        {
          deviceName: props.rootDeviceName ?? "/dev/xvda",
          ebs: {
            volumeSize: props.rootVolumeSizeGb ?? (container && !props.imageId ? ECS_OPTIMIZED_ROOT_VOLUME_GB : 20),
            volumeType: "gp3",
            encrypted: "true",
            deleteOnTermination: "true",
          },
        },
      ],
      // The security group sits on the interface: vpc_security_group_ids would conflict with it.
      networkInterfaces: [
        {
          deviceIndex: 0,
          associatePublicIpAddress: props.publicIp ? "true" : "false",
          deleteOnTermination: "true",
          securityGroups: [securityGroup.id],
        },
      ],
      monitoring: { enabled: props.detailedMonitoring ?? true },
      tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({ resourceType, tags })),
      tags,
    });

    const minHealthyPercent = props.instanceRefreshMinHealthyPercent ?? 100;
    const group = new AutoscalingGroup(this, "group", {
      name,
      vpcZoneIdentifier: props.subnetIds,
      minSize: props.minSize,
      maxSize: props.maxSize,
      desiredCapacity,
      // latest_version: a template change becomes a new version, which the instance refresh rolls out.
      launchTemplate: { id: launchTemplate.id, version: Token.asString(launchTemplate.latestVersion) },
      targetGroupArns: [props.targetGroupArn],
      healthCheckType: "ELB",
      healthCheckGracePeriod: props.healthCheckGracePeriodSeconds ?? 300,
      instanceRefresh: {
        strategy: "Rolling",
        preferences: {
          minHealthyPercentage: minHealthyPercent,
          // Launch replacements before terminating (AWS allows max − min ≤ 100, max ≤ 200).
          maxHealthyPercentage: Math.min(200, minHealthyPercent + 100),
        },
      },
      // Group metrics are free and show scaling decisions next to the CPU graph.
      enabledMetrics: [
        "GroupMinSize",
        "GroupMaxSize",
        "GroupDesiredCapacity",
        "GroupInServiceInstances",
        "GroupPendingInstances",
        "GroupTerminatingInstances",
        "GroupTotalInstances",
      ],
      metricsGranularity: "1Minute",
      // Instances are already tagged through the launch template.
      tag: [{ key: "Name", value: name, propagateAtLaunch: false }],
      // A container that boots before its log group and permissions exist fails to start.
      dependsOn: runtime?.prerequisites,
    });

    new AutoscalingPolicy(this, "cpu-target-tracking", {
      name: `${name}-cpu-target`,
      autoscalingGroupName: group.name,
      policyType: "TargetTrackingScaling",
      targetTrackingConfiguration: {
        predefinedMetricSpecification: { predefinedMetricType: "ASGAverageCPUUtilization" },
        targetValue: props.cpuTargetPercent ?? 60,
      },
    });

    this.securityGroupId = securityGroup.id;
    this.autoScalingGroupName = group.name;
    this.autoScalingGroupArn = group.arn;
    this.launchTemplateId = launchTemplate.id;
    this.instanceRoleName = role.name;
    this.port = props.port;
    this.containerLogGroupName = container && `/${name}`;
    this.name = name;
  }

  /**
   * Admits the load balancer whose target group the instances register with: ingress on `port` from its
   * security group, and egress on its group to the instances (the load balancer's group has no egress of
   * its own; each instance group opens its own path). Call it exactly once, from the stack.
   * @throws Error when `loadBalancer` has no security group id, is this group, or a load balancer is already admitted
   */
  allowFrom(loadBalancer: Connectable): void {
    const problem =
      this.admitted.length > 0
        ? "a load balancer is already admitted (one target group, so one load balancer)"
        : peerProblem(loadBalancer, this.securityGroupId, this.admitted);
    if (problem) throw new Error(`InstanceGroup '${this.node.id}': allowFrom: ${problem}`);
    openTcpPath(this, loadBalancer, {
      securityGroupId: this.securityGroupId,
      port: this.port,
      ingress: { id: "ingress-from-load-balancer", description: `Service port ${this.port} from the load balancer` },
      egress: { id: "load-balancer-egress-to-instances", description: `To ${this.name} instances on port ${this.port}` },
      tags: { Name: this.name },
    });
    this.admitted.push(loadBalancer.securityGroupId);
  }
}

/**
 * Graviton (arm64) families carry a "g" among the letters after the generation digit
 * (t4g, m7gd, c6gn, im4gn, is4gen, hpc7g); "a1" is the first-generation exception.
 */
export function isGravitonInstanceType(instanceType: string): boolean {
  const match = /^([a-z]+)(\d+)([a-z-]*)\./.exec(instanceType);
  if (!match) return false;
  const [, family, generation, attributes] = match;
  return (family === "a" && generation === "1") || attributes.includes("g");
}

function validate(id: string, props: InstanceGroupProps): void {
  const fail = (prop: string, problem: string, allowed: string): never => {
    throw new PropsError("InstanceGroup", id, prop, problem, allowed);
  };
  const isInteger = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value);

  if (typeof props.name !== "string" || !/^[A-Za-z][A-Za-z0-9-]*$/.test(props.name) || props.name.length > MAX_NAME_LENGTH) {
    fail("name", `"${props.name}" is not a valid name`, `letters, digits and hyphens, starting with a letter, at most ${MAX_NAME_LENGTH} characters`);
  }
  if (/^sg-/i.test(props.name)) {
    fail("name", `"${props.name}" starts with "sg-"`, "security group names may not start with sg-; pick another name");
  }
  if (!props.vpcId) fail("vpcId", "is empty", "the id of the VPC holding the subnets");
  if (!Token.isUnresolved(props.subnetIds) && (!Array.isArray(props.subnetIds) || props.subnetIds.length < 1)) {
    fail("subnetIds", "no subnet given", "at least one subnet id: private ones, or public ones with publicIp");
  }
  if (
    typeof props.instanceType !== "string" ||
    (!Token.isUnresolved(props.instanceType) && !/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(props.instanceType))
  ) {
    fail("instanceType", `"${props.instanceType}" is not an EC2 instance type`, 'family.size, e.g. "t3.medium"');
  }
  if (!isInteger(props.port) || props.port < 1 || props.port > 65535) {
    fail("port", `${props.port} is not a TCP port`, "an integer from 1 to 65535");
  }
  if (props.port === 22) {
    fail("port", "22 is the SSH port", "shell access goes through SSM Session Manager; serve the application on another port");
  }
  if (!props.targetGroupArn) fail("targetGroupArn", "is empty", "the ARN of the load balancer's target group");
  if (!isInteger(props.minSize) || props.minSize < 0) {
    fail("minSize", `${props.minSize} is not allowed`, "an integer >= 0");
  }
  if (!isInteger(props.maxSize) || props.maxSize < 1) {
    fail("maxSize", `${props.maxSize} is not allowed`, "an integer >= 1");
  }
  if (props.minSize > props.maxSize) {
    fail("minSize", `${props.minSize} is greater than maxSize ${props.maxSize}`, "minSize <= maxSize");
  }
  if (props.desiredCapacity !== undefined) {
    if (!isInteger(props.desiredCapacity) || props.desiredCapacity < props.minSize || props.desiredCapacity > props.maxSize) {
      fail(
        "desiredCapacity",
        `${props.desiredCapacity} is outside minSize..maxSize`,
        `an integer from ${props.minSize} to ${props.maxSize}`,
      );
    }
  }
  if (props.publicIp !== undefined && typeof props.publicIp !== "boolean") {
    fail("publicIp", `${JSON.stringify(props.publicIp)} is not a boolean`, "true for public subnets without NAT, false otherwise");
  }
  if (props.userData !== undefined && typeof props.userData !== "string") {
    fail("userData", "is not a string", "a plain start-up script; it is base64-encoded here");
  }
  if (props.container !== undefined) {
    if (props.userData !== undefined) {
      fail("userData", "is set together with container", "container generates the user data: put the setup into the image, or leave container out");
    }
    if (!CONTAINER_NAME.test(props.name)) {
      fail("name", `"${props.name}" has upper-case letters`, "lower-case letters, digits and hyphens with container, which it names");
    }
    validateContainer(props.container, propsFailure("InstanceGroup", id));
  }
  if (props.imageId !== undefined && !props.imageId) {
    fail("imageId", "is empty", 'an AMI id ("ami-...") or "resolve:ssm:<parameter>"');
  }
  if (props.rootDeviceName !== undefined && !/^\/dev\/[a-z0-9]+$/.test(props.rootDeviceName)) {
    fail("rootDeviceName", `"${props.rootDeviceName}" is not a device name`, 'e.g. "/dev/xvda" or "/dev/sda1"');
  }
  const rootVolume = props.rootVolumeSizeGb;
  // The default container image's root snapshot is larger than Amazon Linux's.
  const minRootVolume = props.container && props.imageId === undefined ? ECS_OPTIMIZED_ROOT_VOLUME_GB : MIN_ROOT_VOLUME_GB;
  if (rootVolume !== undefined && (!isInteger(rootVolume) || rootVolume < minRootVolume || rootVolume > MAX_ROOT_VOLUME_GB)) {
    const why = minRootVolume === MIN_ROOT_VOLUME_GB ? "" : `: the ECS-optimized image's root snapshot is ${ECS_OPTIMIZED_ROOT_VOLUME_GB} GiB`;
    fail("rootVolumeSizeGb", `${rootVolume} is not allowed`, `an integer from ${minRootVolume} to ${MAX_ROOT_VOLUME_GB}${why}`);
  }
  const grace = props.healthCheckGracePeriodSeconds;
  if (grace !== undefined && (!isInteger(grace) || grace < 0 || grace > 7200)) {
    fail("healthCheckGracePeriodSeconds", `${grace} is not allowed`, "an integer from 0 to 7200");
  }
  const cpu = props.cpuTargetPercent;
  if (cpu !== undefined && (typeof cpu !== "number" || !Number.isFinite(cpu) || cpu < 1 || cpu > 100)) {
    fail("cpuTargetPercent", `${cpu} is not allowed`, "a percentage from 1 to 100");
  }
  const minHealthy = props.instanceRefreshMinHealthyPercent;
  if (minHealthy !== undefined && (!isInteger(minHealthy) || minHealthy < 0 || minHealthy > 100)) {
    fail("instanceRefreshMinHealthyPercent", `${minHealthy} is not allowed`, "an integer percentage from 0 to 100");
  }
}
