import { ERRORS } from '../../kernel/errors.js';
import { type NewRequest, type OpenedRequest, requestItem } from '../../kernel/model.js';
import { queryValue, type ServiceNowClient, type SnRow } from './client.js';
import { recordUrl, value } from './mapping.js';

/**
 * A catalogue request in ServiceNow, as the Service Catalog keeps one: an `sc_request` (REQ…) and,
 * when the offering names a catalogue item (its `servicenow` key, else the config's `catalogItem`),
 * one `sc_req_item` (RITM…) of that item under it, whose insert starts the item's fulfilment flow.
 *
 * Written through the Table API, not `POST /api/sn_sc/servicecatalog/items/{sys_id}/order_now`:
 * order_now cannot carry our correlation id, so a retry after a lost answer would order twice. The
 * Table API insert of the sc_request carries `correlation_id` in the same write, so the retry finds
 * it (as createIncident does); the RITM is then made so (looked up under the request, inserted if
 * missing), so a retry also completes a request whose RITM insert failed. Variables of the item are
 * not filled in: the text the user gave is the request's description.
 */

const REQUEST_FIELDS = ['sys_id', 'number'];

export async function openServiceNowRequest(
  client: ServiceNowClient,
  connector: string,
  input: NewRequest,
  config: { catalogItem?: string | undefined; uiUrl: string },
): Promise<OpenedRequest> {
  const key = queryValue(input.correlationId.trim());
  if (!key) throw ERRORS.BAD_USER_INPUT.err('correlationId is empty', { extensions: { connector } });
  const item = requestItem(input, connector, 'servicenow', config.catalogItem);
  // An item that is not in the catalogue (or retired) is a configuration mistake: nothing is opened.
  const [catItem] = item
    ? await client.list('sc_cat_item', { query: `sys_id=${queryValue(item)}^active=true`, fields: ['sys_id', 'name'], max: 1 })
    : [];
  if (item && !catItem) {
    throw ERRORS.NOT_CONFIGURED.err(
      `${connector}: no active catalogue item ${item} (check the offering's request.servicenow or catalogItem)`,
      {
        extensions: { connector },
      },
    );
  }

  const [existing] = await client.list('sc_request', { query: `correlation_id=${key}`, fields: REQUEST_FIELDS, max: 1 });
  const request: SnRow =
    existing ??
    (await client.create(
      'sc_request',
      {
        short_description: input.title,
        description: [input.description, '', `Service: ${input.serviceId}`, `Requested by ${input.caller} via servicegraph.`].join('\n'),
        correlation_id: key,
        correlation_display: 'servicegraph',
      },
      REQUEST_FIELDS,
    ));
  const sysId = value(request, 'sys_id');
  if (catItem) {
    const [ritm] = await client.list('sc_req_item', { query: `request=${sysId}`, fields: ['sys_id'], max: 1 });
    if (!ritm) {
      await client.create(
        'sc_req_item',
        { request: sysId, cat_item: value(catItem, 'sys_id'), short_description: value(catItem, 'name'), quantity: '1' },
        ['sys_id'],
      );
    }
  }
  return {
    id: `${connector}:${value(request, 'number')}`,
    connector,
    number: value(request, 'number'),
    url: recordUrl(config.uiUrl, 'sc_request', sysId),
  };
}
