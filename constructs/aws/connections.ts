/**
 * Typed wiring between constructs that own security groups: the construct that owns a group opens
 * it to a peer with `allowFrom(peer)` (as AWS CDK's `connections.allowFrom` does), and the stack
 * calls it, so no construct takes another's security group id as a loose string prop.
 */
import { Construct } from "constructs";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";

/** Anything whose resources sit in one security group: `LoadBalancer`, `InstanceGroup`, `Database`. */
export interface Connectable {
  /** Id (or reference) of the security group the construct's resources sit in. */
  readonly securityGroupId: string;
}

/** One TCP port from a peer's security group to an owner's: the two rules and what they are called. */
export interface TcpPath {
  /** The owner's security group, which admits the peer. */
  readonly securityGroupId: string;
  readonly port: number;
  /** Construct id and description of the ingress rule on the owner's group. */
  readonly ingress: { readonly id: string; readonly description: string };
  /** Construct id and description of the egress rule on the peer's group. */
  readonly egress: { readonly id: string; readonly description: string };
  readonly tags: Record<string, string>;
}

/**
 * Opens `path.port` from `peer` to the owner: ingress on the owner's group from the peer's, and egress
 * on the peer's group to the owner's (no group in this project has blanket egress). Both rules are
 * children of `owner`, so their logical ids follow the owner's path whichever construct calls this.
 */
export function openTcpPath(owner: Construct, peer: Connectable, path: TcpPath): void {
  new VpcSecurityGroupIngressRule(owner, path.ingress.id, {
    securityGroupId: path.securityGroupId,
    description: path.ingress.description,
    ipProtocol: "tcp",
    fromPort: path.port,
    toPort: path.port,
    referencedSecurityGroupId: peer.securityGroupId,
    tags: path.tags,
  });
  new VpcSecurityGroupEgressRule(owner, path.egress.id, {
    securityGroupId: peer.securityGroupId,
    description: path.egress.description,
    ipProtocol: "tcp",
    fromPort: path.port,
    toPort: path.port,
    referencedSecurityGroupId: path.securityGroupId,
    tags: path.tags,
  });
}

/**
 * Why `peer` cannot be admitted by the owner whose group is `ownerSecurityGroupId`, or undefined.
 * `admitted` holds the groups already admitted (same reference, same token string).
 */
export function peerProblem(peer: Connectable | undefined, ownerSecurityGroupId: string, admitted: readonly string[]): string | undefined {
  if (!peer || typeof peer.securityGroupId !== "string" || !peer.securityGroupId) {
    return "the peer has no securityGroupId (pass a LoadBalancer, InstanceGroup or Database)";
  }
  if (peer.securityGroupId === ownerSecurityGroupId) return "a construct cannot admit itself";
  if (admitted.includes(peer.securityGroupId)) return "this peer is already admitted";
  return undefined;
}
