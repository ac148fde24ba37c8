import { parseJson } from '@/lib/api/request';
import { withKey } from '@/lib/api/with-key';
import { getOrganisationSettings, setKeyPolicy } from '@/lib/services/organisation-settings';
import { keyPolicyOutput, keyPolicySchema } from '@/lib/validation/key-policy';

export const dynamic = 'force-dynamic';

// GET /crm/api-keys/policy — the caller's organisation's key policy
export const GET = withKey(
  async (_request, { actor }) =>
    Response.json(
      keyPolicyOutput(
        await getOrganisationSettings(actor, actor.type === 'system' ? '' : actor.organisationId),
      ),
    ),
  { permission: 'admin', allowSession: true },
);

// PUT /crm/api-keys/policy — set "keys must expire" and the maximum lifetime (audited)
export const PUT = withKey(
  async (request, { actor, context }) => {
    const input = await parseJson(request, keyPolicySchema);
    const organisationId = actor.type === 'system' ? '' : actor.organisationId;
    return Response.json(keyPolicyOutput(await setKeyPolicy(actor, organisationId, input, context)));
  },
  { permission: 'admin', allowSession: true },
);
